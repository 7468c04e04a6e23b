"""Named errors. Every expected failure is a `LedgerError` with a message and a hint, and belongs
to one family whose exit code the CLI documents (see cli/errors.py)."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every expected error. `hint` says what to do about it."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --- families (exit codes 3..10) ------------------------------------------------------------
class NotFoundError(LedgerError):
    exit_code = 3
    code = "not-found"
    in_ledger = False  # looked for in the ledger (the CLI then names the ledger it looked in)


class NotInLedgerError(NotFoundError):
    in_ledger = True


class InvalidInputError(LedgerError):
    exit_code = 4
    code = "invalid-input"


class RuleViolationError(LedgerError):
    exit_code = 5
    code = "rule-violated"


class AuthorityError(LedgerError):
    exit_code = 6
    code = "not-authorised"


class ConflictError(LedgerError):
    exit_code = 7
    code = "conflict"


class StorageError(LedgerError):
    exit_code = 8
    code = "database"


class DocumentRefusedError(LedgerError):
    exit_code = 9
    code = "document-refused"


class IntegrityBreakError(LedgerError):
    exit_code = 10
    code = "integrity"


# --- input ------------------------------------------------------------------------------------
class InvalidAmountError(InvalidInputError):
    def __init__(self, text: str, why: str) -> None:
        super().__init__(
            f"invalid amount '{text}': {why}",
            "give --amount as 1185000.00 or 1.185.000,00",
        )


class InvalidDateError(InvalidInputError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"invalid date '{text}'",
            "give a date as 2024-07-10 or 10.07.2024",
        )


class InvalidIdentifierError(InvalidInputError):
    pass


class InvalidValueError(InvalidInputError):
    """A value the validation layer refuses: which field, the value as shown, why, what to do."""

    def __init__(self, what: str, value: str, why: str, hint: str) -> None:
        super().__init__(f"invalid {what} '{value}': {why}", hint)


# --- not found --------------------------------------------------------------------------------
class AgreementNotFoundError(NotInLedgerError):
    def __init__(self, agreement_id: str) -> None:
        super().__init__(
            f"no agreement '{agreement_id}' in this ledger",
            "list the agreements with 'aqb agreement list'",
        )


class GrantNotFoundError(NotInLedgerError):
    def __init__(self, file_number: str) -> None:
        super().__init__(
            f"no grant with file number '{file_number}' in this ledger",
            "record the application first with 'aqb grant application'",
        )


class StreamNotFoundError(NotInLedgerError):
    def __init__(self, stream_id: str) -> None:
        super().__init__(
            f"nothing recorded under '{stream_id}'",
            "give an agreement id (AQB-2024-06532) or a grant file number",
        )


class ProjectNotFoundError(NotInLedgerError):
    def __init__(self, agreement_id: str, project_id: str) -> None:
        super().__init__(
            f"agreement {agreement_id} has no project '{project_id}'",
            f"see the projects with 'aqb agreement show {agreement_id}'",
        )


class DeviationNotFoundError(NotInLedgerError):
    def __init__(self, agreement_id: str, deviation_id: str) -> None:
        super().__init__(
            f"agreement {agreement_id} has no deviation '{deviation_id}'",
            f"see the deviations with 'aqb agreement show {agreement_id}'",
        )


class AssessmentNotFoundError(NotInLedgerError):
    def __init__(self, agreement_id: str, assessment_id: str) -> None:
        super().__init__(
            f"agreement {agreement_id} has no assessment '{assessment_id}'",
            f"see its assessments with 'aqb trail {agreement_id} --type assess'",
        )


class EventNotFoundError(NotInLedgerError):
    def __init__(self, stream_id: str, version: int) -> None:
        super().__init__(
            f"{stream_id} has no entry number {version}",
            f"see the entries with 'aqb trail {stream_id}'",
        )


# --- authority --------------------------------------------------------------------------------
class ActorRequiredError(AuthorityError):
    def __init__(self) -> None:
        super().__init__(
            "this command writes to the ledger and needs an actor",
            "give --actor NAME@ORG (or set AQB_ACTOR), e.g. --actor m.weber@HMSI",
        )


class NotAuthorisedError(AuthorityError):
    pass


# --- rules (docs/domain.md) ---------------------------------------------------------------------
class NegativeAmountError(RuleViolationError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} must not be negative", "amounts are zero or more")


class MissingReasonError(RuleViolationError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} needs a reason", "give --reason '…'")


class ReallocationExceedsSourceError(RuleViolationError):
    pass


class PaymentExceedsGrantError(RuleViolationError):
    pass


class DuplicateSignatureError(RuleViolationError):
    pass


class DeviationAlreadyDecidedError(RuleViolationError):
    pass


class AlreadyExistsError(RuleViolationError):
    pass


class CorrectionError(RuleViolationError):
    pass


class InvariantError(CorrectionError):
    """A correction that would leave the state breaking a rule (say, a negative planned amount)."""


class GrantStateError(RuleViolationError):
    pass


class BudgetExceededError(RuleViolationError):
    """Planned amounts beyond the §4 budget."""


class ApprovalMissingError(RuleViolationError):
    """A move of money without the reference of its approval."""


class DateOrderError(RuleViolationError):
    """An act dated before what it follows (a decision before its report, a payment before the notice)."""


class CashScheduleError(RuleViolationError):
    """Cash years that do not add up, or a year outside the schedule."""


class PaymentExceedsCashYearError(RuleViolationError):
    """A payment beyond what the notice schedules for its cash year."""


class RefundExceedsError(RuleViolationError):
    """A refund claimed beyond what was paid, or received beyond what was claimed."""


class EvidenceBeyondHeadError(RuleViolationError):
    pass


# --- storage and concurrency ------------------------------------------------------------------
class ConcurrentWriteError(ConflictError):
    def __init__(self, stream_id: str, attempts: int) -> None:
        super().__init__(
            f"{stream_id} was changed by other writers {attempts} times while this command ran",
            "run the command again",
        )


class DatabaseUnavailableError(StorageError):
    pass


class NotMigratedError(StorageError):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"the ledger tables do not exist in {where}",
            "run 'aqb db migrate' once as the database owner",
        )


class LedgerNotEmptyError(StorageError):
    pass


# --- integrity ----------------------------------------------------------------------------------
class UndecodableEventError(IntegrityBreakError):
    """A stored row that cannot be read as a ledger event: changed past the application."""

    def __init__(self, position: int, stream: str, version: int, why: str) -> None:
        super().__init__(
            f"the event at position {position} ({stream} #{version}) cannot be read: {why}",
            "the ledger was changed outside the application; keep it as it is and run 'aqb verify'",
        )
        self.position, self.stream = position, stream


class LedgerMissingError(StorageError):
    def __init__(self, where: str, why: str = "there is no ledger there") -> None:
        super().__init__(
            f"no ledger at {where}: {why}",
            "check --database / AQB_DATABASE_URL; a new ledger is made by 'aqb db migrate' or 'aqb demo'",
        )


class BrokenStreamError(IntegrityBreakError):
    """A stream whose versions do not follow one another: a row was added or removed past the
    application."""

    def __init__(self, stream: str, position: int, version: int, last: int) -> None:
        super().__init__(
            f"{stream} cannot be read: version {version} at position {position} follows version {last}",
            "the ledger was changed outside the application; keep it as it is and run 'aqb verify'",
        )
