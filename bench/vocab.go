package bench

// The controlled vocabulary of the synthetic corpus. Content words are drawn
// with Zipf-like frequencies (rank 1 most frequent), so that a few words
// appear on most pages and many appear on few, as in real articles; the
// long tail is completed with pronounceable made-up terms (see tailWords).

var nouns = []string{
	"recovery", "trust", "coach", "professional", "practice", "participant", "relationship", "experience",
	"client", "therapist", "support", "identity", "outcome", "intervention", "study", "analysis",
	"theme", "interview", "process", "context", "community", "wellbeing", "health", "service",
	"stigma", "autonomy", "agency", "resilience", "narrative", "meaning", "motivation", "goal",
	"feedback", "alliance", "supervision", "boundary", "role", "competence", "learning", "development",
	"family", "peer", "group", "session", "programme", "model", "framework", "approach",
	"evidence", "method", "sample", "data", "finding", "implication", "limitation", "literature",
	"review", "perspective", "attitude", "belief", "emotion", "anxiety", "depression", "stress",
	"coping", "strategy", "skill", "knowledge", "engagement", "commitment", "performance", "leadership",
	"organisation", "workplace", "employee", "manager", "team", "culture", "policy", "education",
	"student", "teacher", "school", "university", "training", "curriculum", "assessment", "reflection",
	"dialogue", "conversation", "language", "discourse", "power", "ethics", "consent", "confidentiality",
	"vulnerability", "safety", "risk", "harm", "care", "treatment", "medication", "symptom",
	"diagnosis", "addiction", "substance", "relapse", "abstinence", "housing", "employment", "income",
	"inequality", "gender", "age", "ethnicity", "migration", "belonging", "isolation", "loneliness",
	"hope", "shame", "guilt", "dignity", "respect", "empathy", "compassion", "listening",
	"question", "answer", "account", "story", "transcript", "coding", "category", "pattern",
	"theory", "concept", "construct", "measure", "scale", "instrument", "validity", "reliability",
	"variable", "factor", "effect", "association", "correlation", "regression", "trial", "cohort",
	"change", "transition", "trajectory", "pathway", "barrier", "facilitator", "resource", "network",
	"partnership", "collaboration", "co-production", "lived", "expertise", "mentor", "mentoring", "coaching",
}

var verbs = []string{
	"shapes", "supports", "undermines", "reflects", "reveals", "suggests", "indicates", "challenges",
	"enables", "constrains", "mediates", "moderates", "predicts", "explains", "describes", "frames",
	"sustains", "threatens", "builds", "erodes", "strengthens", "informs", "guides", "limits",
	"questions", "illustrates", "highlights", "complicates", "transforms", "reproduces", "negotiates", "accompanies",
}

var adjectives = []string{
	"professional", "personal", "social", "clinical", "qualitative", "quantitative", "therapeutic", "relational",
	"ethical", "practical", "theoretical", "empirical", "critical", "reflexive", "collaborative", "supportive",
	"longitudinal", "thematic", "interpretative", "phenomenological", "narrative", "structural", "institutional", "everyday",
	"meaningful", "sustained", "fragile", "mutual", "emotional", "cognitive", "behavioural", "organisational",
	"early", "late", "initial", "final", "shared", "individual", "collective", "complex",
	"significant", "modest", "strong", "weak", "positive", "negative", "consistent", "ambivalent",
}

var adverbs = []string{
	"often", "rarely", "gradually", "consistently", "explicitly", "implicitly", "strongly", "partly",
	"largely", "repeatedly", "carefully", "openly", "quietly", "slowly", "quickly", "deliberately",
}

var connectors = []string{
	"However,", "Moreover,", "In contrast,", "Similarly,", "For example,", "In particular,", "Nevertheless,", "Therefore,",
	"At the same time,", "Taken together,", "In this study,", "As expected,", "Importantly,", "By comparison,",
}

var prepositions = []string{"of", "in", "for", "within", "across", "between", "through", "among", "during", "after"}

var givenNames = []string{
	"Anna", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "James", "Kira", "Liam",
	"Maria", "Niels", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Ulla", "Victor", "Wen", "Yusuf", "Zoe",
}

var familyNames = []string{
	"Smith", "Jones", "Garcia", "Müller", "Nguyen", "Okafor", "Rossi", "Kowalski", "Andersen", "Dubois",
	"Tanaka", "Silva", "Brown", "Wilson", "Taylor", "Martin", "Larsen", "Novak", "Haddad", "Fischer",
	"Murphy", "O'Brien", "Costa", "Ivanova", "Khan", "Lopez", "Meyer", "Patel", "Schmidt", "Walsh",
}

var journals = []string{
	"Journal of Recovery Studies", "Qualitative Health Research", "Coaching: An International Journal",
	"International Journal of Professional Practice", "Journal of Social Work Practice", "Addiction Research & Theory",
	"Journal of Mental Health", "Sociology of Health & Illness", "Studies in Continuing Education", "Human Relations",
}

// syllables make the long tail of rare terms.
var syllables = []string{
	"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bra", "cle", "dri", "fo", "gan", "hel",
	"jor", "kim", "lan", "mor", "nus", "pel", "quo", "ris", "sen", "tor", "ul", "ven", "wis", "xan", "yor",
}
