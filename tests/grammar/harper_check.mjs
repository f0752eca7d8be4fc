// Reads a JSON array of texts on stdin; prints, for each text, harper.js's lints as
// [{kind, message, start, end, text}] (offsets in UTF-16 units), as one JSON array.
import { LocalLinter } from 'harper.js';
import { binaryInlined } from 'harper.js/binaryInlined';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const linter = new LocalLinter({ binary: binaryInlined });
const results = [];
for (const text of texts) {
  const lints = await linter.lint(text);
  results.push(lints.map((lint) => {
    const span = lint.span();
    return { kind: lint.lint_kind(), message: lint.message(), start: span.start, end: span.end, text: text.slice(span.start, span.end) };
  }));
}
process.stdout.write(JSON.stringify(results));
