"""Training for replylint's tone classifier: data generation, fine-tuning, export, evaluation.

Needs the ``train`` extra (torch, transformers). The runtime package ``linter`` never imports this.
"""
