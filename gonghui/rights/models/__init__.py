from gonghui.rights.models.cases import (  # noqa: F401
    CaseCategory,
    CaseNote,
    CaseNoteKind,
    CaseState,
    Channel,
    Outcome,
    RightsCase,
    Satisfaction,
    Tier,
)
from gonghui.rights.models.legal import (  # noqa: F401
    AidKind,
    AidOutcome,
    BookingStatus,
    DutyBooking,
    DutySlot,
    Lawyer,
    LawyerKind,
    LegalAidCase,
)
from gonghui.rights.models.supervision import (  # noqa: F401
    BargainingInstructor,
    CollectiveContract,
    CommitteeMember,
    ContractKind,
    DocumentKind,
    LegalSupervisionCommittee,
    SupervisionDocument,
)
