"""The eight tone problems from the project taxonomy, and the context checks that compare a draft
with its ticket. Label ids are stable API values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    description: str
    customer_hears: str
    rewrite_direction: str
    category: str = "tone"  # "tone": the classifier's labels; "context": checks against the ticket

    @property
    def message(self) -> str:
        """The one-sentence message of a finding that only the classifier raised."""
        return MODEL_MESSAGES[self.id]


LABELS: tuple[Label, ...] = (
    Label(
        "deflects_ownership",
        "Deflects ownership",
        "Pushes the problem to a partner, vendor, department or third party.",
        "Not my problem.",
        "Own it and act on the customer's behalf, and still solve the original need.",
    ),
    Label(
        "process_over_customer",
        "Process over customer",
        "Puts a procedure, channel or policy ahead of solving the problem.",
        "That's not how it's done.",
        "Handle the problem first; mention the process, if at all, as an option for next time.",
    ),
    Label(
        "closes_the_door",
        "Closes the door",
        "Tells the customer their message will not be read or answered.",
        "You will not receive a reply.",
        "Keep the channel open and say who will read it and when.",
    ),
    Label(
        "blames_customer",
        "Blames the customer",
        "Makes the problem the customer's fault.",
        "You caused this.",
        "State the cause neutrally, take the company's share, move to the fix.",
    ),
    Label(
        "shifts_burden",
        "Shifts the burden",
        "Makes the customer do the company's work: gather evidence, chase others, recruit other victims.",
        "Do my job for me.",
        "Gather the evidence and chase others yourself; ask only for what only the customer has, and say why.",
    ),
    Label(
        "dismisses_problem",
        "Dismisses the problem",
        "Denies or minimises the problem: can't reproduce, no evidence, nobody else, nothing to be done.",
        "There is no problem.",
        "Believe the customer, escalate, and say what happens next.",
    ),
    Label(
        "condescending",
        "Condescending",
        "Talks down, puts words in the customer's mouth, 'as I already said'.",
        "You are slow.",
        "Restate plainly, without judging the reader; never claim agreement the customer did not give.",
    ),
    Label(
        "vague_commitment",
        "Vague commitment",
        "Gives no owner, no time or a uselessly wide window for what happens next.",
        "Wait and hope.",
        "Name who does what by when, and promise an update even when nothing changes.",
    ),
)

MODEL_MESSAGES = {
    "deflects_ownership": 'This sentence hands the problem to someone else, so the customer hears "not my problem".',
    "process_over_customer": "This sentence puts a procedure or channel ahead of the problem, so the customer hears \"that's not how it's done\".",
    "closes_the_door": 'This sentence tells the customer nobody will read or answer them, so they hear "you will not receive a reply".',
    "blames_customer": 'This sentence makes the problem the customer\'s fault, so they hear "you caused this".',
    "shifts_burden": 'This sentence gives the customer the company\'s work to do, so they hear "do my job for me".',
    "dismisses_problem": 'This sentence denies or shrinks the problem, so the customer hears "there is no problem".',
    "condescending": 'This sentence talks down to the customer, so they hear "you are slow".',
    "vague_commitment": 'This sentence promises no owner and no time, so the customer hears "wait and hope".',
}

LABEL_IDS: tuple[str, ...] = tuple(label.id for label in LABELS)
LABELS_BY_ID: dict[str, Label] = {label.id: label for label in LABELS}


# Checks against the ticket (linter/ticket.py): they run only when a context is given, and the
# classifier knows nothing of them, so they are not in LABEL_IDS (the model's output columns).
CONTEXT_LABELS: tuple[Label, ...] = (
    Label(
        "wrong_recipient",
        "Wrong recipient",
        "Addresses someone other than the ticket's customer, e.g. a name left over from a previous ticket.",
        "This is a form letter meant for someone else.",
        "Address the customer by the name they use; nicknames and accents-dropped spellings are fine.",
        "context",
    ),
    Label(
        "unfilled_placeholder",
        "Unfilled placeholder",
        "Leaves template residue the customer must never see: [NAME], an unrendered {{...}}, <customer>, XXX, TBD, [by when].",
        "Nobody actually wrote this.",
        "Fill in every slot before sending.",
        "context",
    ),
    Label(
        "wrong_partner",
        "Wrong partner",
        "Names a partner or vendor other than the one in the customer's message, when both are known partners.",
        "You didn't read my message.",
        "Name the partner the customer dealt with.",
        "context",
    ),
    Label(
        "no_next_step",
        "No next step",
        "Answers a reported problem or a request with no action taken, no next step and no commitment.",
        "Wait and hope.",
        "Say what you did or what happens next, who does it and by when.",
        "context",
    ),
    Label(
        "unanswered_question",
        "Unanswered question",
        "Leaves a direct question from the customer's message unanswered.",
        "You ignored what I asked.",
        "Answer every direct question, quoting it back if that helps.",
        "context",
    ),
)
CONTEXT_LABEL_IDS: tuple[str, ...] = tuple(label.id for label in CONTEXT_LABELS)
ALL_LABELS: tuple[Label, ...] = LABELS + CONTEXT_LABELS
ALL_LABEL_IDS: tuple[str, ...] = LABEL_IDS + CONTEXT_LABEL_IDS
