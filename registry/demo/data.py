"""The demo's registry content: people, teams, projects, datasets, models and roles."""

from registry.models import Stage

DEMO_PASSWORD = "demo"  # every demo person signs in with it (e.g. ivan / demo to approve)

PEOPLE = [
    # username, display name, title, team, level
    ("demo", "Demo User", "Data Scientist", "risk-ml", "member"),
    ("amara", "Amara Okafor", "Head of Risk ML", "risk-ml", "lead"),
    ("bruno", "Bruno Lindqvist", "ML Engineer", "risk-ml", "member"),
    ("chen", "Chen Wei", "Data Steward", "risk-ml", "viewer"),
    ("dana", "Dana Kowalski", "Lead, Customer Insights", "customer-insights", "lead"),
    ("emeka", "Emeka Nwosu", "Data Scientist", "customer-insights", "member"),
    ("farah", "Farah Haddad", "Analytics Engineer", "customer-insights", "member"),
    ("gustavo", "Gustavo Pereira", "Lead, Platform ML", "platform-ml", "lead"),
    ("hana", "Hana Sato", "ML Engineer", "platform-ml", "member"),
    ("ivan", "Ivan Petrov", "Responsible AI Reviewer", "platform-ml", "viewer"),
    ("julia", "Julia Romero", "Product Manager", "customer-insights", "viewer"),
    ("kofi", "Kofi Mensah", "Data Engineer", "platform-ml", "member"),
]

# Creates the teams and names their leads; signs in like everyone (olivia / demo) to try what
# only staff may do: override a gate with a reason, edit the gate requirements in the admin.
ADMIN = ("olivia", "Olivia Bennett", "Almanac administrator")

TEAMS = [
    ("risk-ml", "Risk ML", "Fraud, credit and payment-risk models for the lending products."),
    ("customer-insights", "Customer Insights",
     "Churn, lifetime value and recommendation models for the consumer apps."),
    ("platform-ml", "Platform ML",
     "Shared features, serving infrastructure and forecasting for operations."),
]

PROJECTS = [
    # slug, name, team, stage, visibility, summary
    ("card-fraud-detection", "Card fraud detection", "risk-ml", Stage.MONITORING, "internal",
     "Score card transactions in real time and hold the suspicious ones for review."),
    ("credit-limit-advisor", "Credit limit advisor", "risk-ml", Stage.VALIDATION, "private",
     "Recommend credit-limit increases for existing customers within the risk appetite."),
    ("churn-prediction", "Churn prediction", "customer-insights", Stage.DEPLOYMENT, "internal",
     "Predict which subscribers will cancel in the next 30 days so retention can reach out."),
    ("next-best-offer", "Next best offer", "customer-insights", Stage.EXPERIMENTATION,
     "internal", "Rank the offers shown in the app by expected uptake and margin."),
    ("sentiment-support-tickets", "Support ticket sentiment", "customer-insights",
     Stage.ABANDONED, "internal",
     "Classify the sentiment of support tickets to route angry customers first."),
    ("demand-forecasting", "Demand forecasting", "platform-ml", Stage.RETRAINING, "internal",
     "Forecast daily order volume per warehouse 14 days ahead for staffing."),
    ("eta-prediction", "Delivery ETA prediction", "platform-ml", Stage.DATA_DISCOVERY,
     "internal", "Predict delivery arrival times from route, traffic and weather."),
    ("document-ocr-quality", "Document OCR quality", "platform-ml", Stage.PROPOSED, "internal",
     "Flag scanned documents whose OCR output is too poor to process automatically."),
]

ABANDON_REASON = (
    "No-go: the ticket archive has no reliable sentiment labels and relabelling 50k tickets "
    "was out of budget. Lesson: check label availability during data discovery."
)

DATASET_TOPICS = [
    # slug, name, team, format, license, sensitivity, pii, tags, description, columns
    ("card-transactions", "Card transactions", "risk-ml", "parquet", "internal-use",
     "restricted", True, ["payments", "fraud", "tabular", "streaming"],
     "Every authorised card transaction with merchant, amount, channel and the chargeback "
     "outcome joined 90 days later.",
     [("transaction_id", "string", "Unique id", False), ("card_hash", "string",
      "Salted hash of the PAN", True), ("amount_eur", "decimal", "Amount in EUR", False),
      ("merchant_category", "string", "MCC code", False), ("is_fraud", "bool",
      "Chargeback for fraud within 90 days", False)]),
    ("chargebacks", "Chargebacks", "risk-ml", "csv", "internal-use", "confidential", False,
     ["payments", "fraud", "labels"], "Chargeback reports from the card schemes, one row per "
     "disputed transaction, with reason codes.",
     [("transaction_id", "string", "Disputed transaction", False), ("reason_code", "string",
      "Scheme reason code", False), ("reported_on", "date", "Report date", False)]),
    ("merchant-registry", "Merchant registry", "risk-ml", "parquet", "internal-use",
     "internal", False, ["payments", "reference"], "Merchants with category, country and "
     "risk tier as maintained by the acquiring team.",
     [("merchant_id", "string", "Merchant id", False), ("mcc", "string", "Category", False),
      ("country", "string", "ISO country", False), ("risk_tier", "int", "1 (low) to 5", False)]),
    ("credit-bureau-scores", "Credit bureau scores", "risk-ml", "parquet", "licensed-vendor",
     "restricted", True, ["credit", "external", "tabular"], "Monthly bureau scores and "
     "delinquency flags bought from the credit bureau, keyed by customer.",
     [("customer_id", "string", "Customer", True), ("score", "int", "Bureau score", False),
      ("delinquent_90d", "bool", "90+ days past due", False)]),
    ("loan-applications", "Loan applications", "risk-ml", "parquet", "internal-use",
     "confidential", True, ["credit", "tabular"], "Loan and limit applications with the "
     "decision and the applicant's declared income.",
     [("application_id", "string", "Id", False), ("customer_id", "string", "Customer", True),
      ("declared_income", "decimal", "Monthly income", True), ("decision", "string",
      "approved / declined", False)]),
    ("customer-accounts", "Customer accounts", "risk-ml", "parquet", "internal-use",
     "confidential", True, ["customers", "reference"], "Account master data: tenure, "
     "products held, region and age band.",
     [("customer_id", "string", "Customer", True), ("tenure_months", "int", "Tenure", False),
      ("region", "string", "Region", False), ("age_band", "string", "Age band", True)]),
    ("subscription-events", "Subscription events", "customer-insights", "parquet",
     "internal-use", "internal", False, ["churn", "events", "subscriptions"],
     "Sign-ups, upgrades, downgrades, pauses and cancellations for every subscription.",
     [("subscription_id", "string", "Subscription", False), ("event", "string",
      "Event type", False), ("occurred_at", "timestamp", "When", False)]),
    ("app-usage-daily", "App usage (daily)", "customer-insights", "parquet", "internal-use",
     "internal", False, ["churn", "engagement", "events"], "Daily active minutes, sessions "
     "and feature usage per user of the consumer app.",
     [("user_id", "string", "Pseudonymous user", False), ("day", "date", "Day", False),
      ("minutes", "int", "Active minutes", False), ("sessions", "int", "Sessions", False)]),
    ("support-tickets", "Support tickets", "customer-insights", "jsonl", "internal-use",
     "confidential", True, ["support", "text", "nlp"], "Support tickets with free text, "
     "channel and resolution time. Free text may contain names and phone numbers.",
     [("ticket_id", "string", "Id", False), ("body", "text", "Ticket text", True),
      ("channel", "string", "email / chat / phone", False)]),
    ("nps-survey", "NPS survey responses", "customer-insights", "csv", "internal-use",
     "internal", False, ["survey", "text", "satisfaction"], "Quarterly net-promoter survey "
     "responses with score and comment.",
     [("response_id", "string", "Id", False), ("score", "int", "0-10", False),
      ("comment", "text", "Free text", False)]),
    ("offer-catalog", "Offer catalog", "customer-insights", "csv", "internal-use", "internal",
     False, ["offers", "reference"], "Every offer the app can show, with margin and "
     "eligibility rules.",
     [("offer_id", "string", "Id", False), ("margin", "decimal", "Margin", False),
      ("eligibility", "string", "Rule", False)]),
    ("offer-impressions", "Offer impressions and clicks", "customer-insights", "parquet",
     "internal-use", "internal", False, ["offers", "events", "recommendation"],
     "Impressions, clicks and conversions of offers in the app, logged by position.",
     [("impression_id", "string", "Id", False), ("offer_id", "string", "Offer", False),
      ("position", "int", "Slot", False), ("converted", "bool", "Converted", False)]),
    ("warehouse-orders", "Warehouse orders", "platform-ml", "parquet", "internal-use",
     "internal", False, ["forecasting", "operations", "time-series"], "Orders per warehouse "
     "per hour since 2019.",
     [("warehouse_id", "string", "Warehouse", False), ("hour", "timestamp", "Hour", False),
      ("orders", "int", "Orders", False)]),
    ("public-holidays", "Public holidays", "platform-ml", "csv", "CC-BY-4.0", "public", False,
     ["calendar", "external", "reference"], "Public and school holidays per region, from "
     "the open government calendar.",
     [("region", "string", "Region", False), ("day", "date", "Day", False),
      ("name", "string", "Holiday", False)]),
    ("weather-hourly", "Weather (hourly)", "platform-ml", "parquet", "CC-BY-4.0", "public",
     False, ["weather", "external", "time-series"], "Hourly temperature, precipitation and "
     "wind for every warehouse location from the national weather service.",
     [("station", "string", "Station", False), ("hour", "timestamp", "Hour", False),
      ("temp_c", "float", "Temperature", False), ("precip_mm", "float", "Rain", False)]),
    ("delivery-routes", "Delivery routes", "platform-ml", "parquet", "internal-use",
     "internal", False, ["logistics", "geospatial"], "Planned and actual delivery routes "
     "with stop times.",
     [("route_id", "string", "Route", False), ("stop_seq", "int", "Stop", False),
      ("planned_at", "timestamp", "Planned", False), ("arrived_at", "timestamp", "Actual",
      False)]),
    ("gps-pings", "Courier GPS pings", "platform-ml", "parquet", "internal-use",
     "confidential", True, ["logistics", "geospatial", "streaming"], "GPS positions of "
     "couriers every 15 seconds while on shift.",
     [("courier_id", "string", "Courier", True), ("ts", "timestamp", "Time", False),
      ("lat", "float", "Latitude", True), ("lon", "float", "Longitude", True)]),
    ("traffic-speeds", "Road traffic speeds", "platform-ml", "csv", "ODbL", "public", False,
     ["logistics", "external", "time-series"], "Average speed per road segment per 5 minutes "
     "from the city open-data portal.",
     [("segment_id", "string", "Segment", False), ("ts", "timestamp", "Time", False),
      ("speed_kmh", "float", "Speed", False)]),
    ("scanned-documents", "Scanned documents", "platform-ml", "tiff", "internal-use",
     "confidential", True, ["documents", "images", "ocr"], "Scans of signed contracts and "
     "identity documents received by post.",
     [("document_id", "string", "Id", False), ("pages", "int", "Pages", False),
      ("dpi", "int", "Resolution", False)]),
    ("ocr-ground-truth", "OCR ground truth", "platform-ml", "jsonl", "internal-use",
     "internal", False, ["documents", "ocr", "labels"], "Hand-transcribed text for 2,000 "
     "scanned pages, used to measure OCR quality.",
     [("document_id", "string", "Id", False), ("page", "int", "Page", False),
      ("text", "text", "Transcription", False)]),
    ("feature-store-snapshots", "Feature store snapshots", "platform-ml", "parquet",
     "internal-use", "internal", False, ["features", "platform"], "Daily snapshots of the "
     "online feature store for point-in-time training sets.",
     [("entity_id", "string", "Entity", False), ("feature", "string", "Feature", False),
      ("value", "float", "Value", False), ("as_of", "date", "Snapshot", False)]),
    ("model-predictions-log", "Model predictions log", "platform-ml", "parquet",
     "internal-use", "internal", False, ["monitoring", "platform"], "Every prediction served "
     "by the platform with model version, inputs hash and latency.",
     [("request_id", "string", "Request", False), ("model", "string", "Model", False),
      ("version", "int", "Version", False), ("latency_ms", "float", "Latency", False)]),
    ("marketing-consents", "Marketing consents", "customer-insights", "csv", "internal-use",
     "restricted", True, ["customers", "gdpr"], "Which customers consented to which "
     "marketing channel, and when.",
     [("customer_id", "string", "Customer", True), ("channel", "string", "Channel", False),
      ("granted_at", "timestamp", "When", False)]),
    ("fx-rates", "FX rates", "risk-ml", "csv", "CC-BY-4.0", "public", False,
     ["finance", "external", "reference"], "Daily reference exchange rates from the central "
     "bank.",
     [("day", "date", "Day", False), ("currency", "string", "ISO code", False),
      ("rate", "decimal", "EUR rate", False)]),
    ("credit-limit-history", "Credit limit history", "risk-ml", "parquet", "internal-use",
     "restricted", True, ["credit", "tabular"], "Every credit-limit change with the reason "
     "and who approved it.",
     [("customer_id", "string", "Customer", True), ("old_limit", "decimal", "Before", False),
      ("new_limit", "decimal", "After", False), ("changed_at", "timestamp", "When", False)]),
    ("synthetic-transactions", "Synthetic transactions", "risk-ml", "parquet", "internal-use",
     "internal", False, ["payments", "synthetic", "fraud"], "Synthetic card transactions "
     "with injected fraud patterns, for tests and demos.",
     [("transaction_id", "string", "Id", False), ("amount_eur", "decimal", "Amount", False),
      ("is_fraud", "bool", "Injected fraud", False)]),
]

PROJECT_DATASETS = {
    "card-fraud-detection": ["card-transactions", "chargebacks", "merchant-registry",
                             "synthetic-transactions"],
    "credit-limit-advisor": ["credit-bureau-scores", "loan-applications", "customer-accounts",
                             "credit-limit-history"],
    "churn-prediction": ["subscription-events", "app-usage-daily", "nps-survey"],
    "next-best-offer": ["offer-catalog", "offer-impressions", "marketing-consents"],
    "sentiment-support-tickets": ["support-tickets"],
    "demand-forecasting": ["warehouse-orders", "public-holidays", "weather-hourly"],
    "eta-prediction": ["delivery-routes", "gps-pings", "traffic-speeds", "weather-hourly"],
    "document-ocr-quality": ["scanned-documents", "ocr-ground-truth"],
}

MODELS = [
    # slug, name, project, task, framework, versions [(status, metrics)], train, eval
    ("fraud-scorer", "Fraud scorer", "card-fraud-detection", "binary classification",
     "LightGBM", ["archived", "production", "production", "candidate"],
     {"auc": 0.90, "recall_at_1pct_fpr": 0.61}, ["card-transactions", "merchant-registry"],
     ["chargebacks"]),
    ("fraud-rules-shadow", "Fraud rules shadow model", "card-fraud-detection",
     "binary classification", "scikit-learn", ["archived", "staging"],
     {"auc": 0.84, "precision": 0.41}, ["synthetic-transactions"], ["card-transactions"]),
    ("limit-advisor", "Limit advisor", "credit-limit-advisor", "regression", "XGBoost",
     ["candidate", "candidate", "staging"], {"rmse": 412.0, "mae": 295.5},
     ["credit-bureau-scores", "loan-applications"], ["credit-limit-history"]),
    ("churn-classifier", "Churn classifier", "churn-prediction", "binary classification",
     "PyTorch", ["archived", "staging", "candidate"], {"auc": 0.82, "f1": 0.57},
     ["subscription-events", "app-usage-daily"], ["subscription-events"]),
    ("offer-ranker", "Offer ranker", "next-best-offer", "learning to rank", "LightGBM",
     ["candidate", "candidate"], {"ndcg_at_5": 0.41, "map": 0.33},
     ["offer-impressions", "offer-catalog"], ["offer-impressions"]),
    ("demand-forecaster", "Demand forecaster", "demand-forecasting", "time-series forecasting",
     "Prophet", ["archived", "production", "candidate"], {"mape": 0.083, "wape": 0.071},
     ["warehouse-orders", "public-holidays", "weather-hourly"], ["warehouse-orders"]),
    ("eta-baseline", "ETA baseline", "eta-prediction", "regression", "scikit-learn",
     ["candidate", "candidate"], {"mae_minutes": 7.9}, ["delivery-routes", "traffic-speeds"],
     ["delivery-routes"]),
    ("ticket-sentiment", "Ticket sentiment classifier", "sentiment-support-tickets",
     "text classification", "Hugging Face Transformers", ["archived", "archived"],
     {"macro_f1": 0.48}, ["support-tickets"], ["support-tickets"]),
]

ROLES = [
    # username, role slug, kind, target slug
    ("amara", "owner", "project", "card-fraud-detection"),
    ("demo", "data-scientist", "project", "card-fraud-detection"),
    ("bruno", "ml-engineer", "project", "card-fraud-detection"),
    ("ivan", "reviewer", "project", "card-fraud-detection"),
    ("amara", "owner", "project", "credit-limit-advisor"),
    ("ivan", "reviewer", "project", "credit-limit-advisor"),
    ("dana", "owner", "project", "churn-prediction"),
    ("emeka", "data-scientist", "project", "churn-prediction"),
    ("ivan", "reviewer", "project", "churn-prediction"),
    ("demo", "reviewer", "project", "churn-prediction"),
    ("julia", "stakeholder", "project", "churn-prediction"),
    ("dana", "owner", "project", "next-best-offer"),
    ("farah", "data-scientist", "project", "next-best-offer"),
    ("dana", "owner", "project", "sentiment-support-tickets"),
    ("gustavo", "owner", "project", "demand-forecasting"),
    ("ivan", "reviewer", "project", "demand-forecasting"),
    ("hana", "ml-engineer", "project", "demand-forecasting"),
    ("gustavo", "owner", "project", "eta-prediction"),
    ("kofi", "data-scientist", "project", "eta-prediction"),
    ("gustavo", "owner", "project", "document-ocr-quality"),
    ("chen", "data-steward", "dataset", "card-transactions"),
    ("chen", "data-steward", "dataset", "credit-bureau-scores"),
    ("farah", "data-steward", "dataset", "support-tickets"),
    ("kofi", "data-steward", "dataset", "gps-pings"),
    ("amara", "owner", "model", "fraud-scorer"),
    ("bruno", "ml-engineer", "model", "fraud-scorer"),
    ("hana", "owner", "model", "demand-forecaster"),
]
