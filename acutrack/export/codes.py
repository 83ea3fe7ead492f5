"""The codes the FHIR bundle uses (LOINC, UCUM, the survey category), each with its source.

Where no code could be confirmed (the PGIC, a rating on a scale other than 0–10), the
resource has a text code instead: a wrong code in a health record is worse than none.
"""

from __future__ import annotations

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
# LOINC 72514-3, confirmed in HL7 Belgium's Patient Monitoring IG, ValueSet "Pain severity
# - 0-10 verbal numeric rating" (https://build.fhir.org/ig/hl7-be/patient-monitoring/
# ValueSet-pain-scale.html: "See https://loinc.org/72514-3") and on the code's LOINC
# listing (https://www.healthassure.in/codes/loinc-72514-3-pain-severity-0-10-verbal-
# numeric-rating-score-reported).
PAIN = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# PEG codes. LOINC's panel 91148-7 "PEG pain screening/assessment" (https://loinc.org/91148-7)
# lists its three items as 75893-8 (pain on average in the past week), 91145-3 and 91146-1,
# and 91147-9 "Mean score [PEG]" as its score. Items 2 and 3 carry the same codes in LOINC's
# FHIR Questionnaire for the panel (http://loinc.org/q/91148-7, kept verbatim in
# github.com/jmandel/ktc-questionnaire-starters, fhir-loinc/91148-7.json), which leaves item
# 1's code out: the panel is the source for 75893-8. 91147-9 is also confirmed by its LOINC
# listing (https://www.healthassure.in/codes/loinc-91147-9-mean-score-peg, method "Pain
# intensity, Enjoyment of life, General activity (PEG)") and the CDS for Chronic Pain
# Management IG's data elements.
PEG_MEAN = {"system": LOINC, "code": "91147-9", "display": "Mean score [PEG]"}
PEG_ITEMS = (
    (
        "pain",
        {
            "system": LOINC,
            "code": "75893-8",
            "display": "What number best describes your pain on average in the past week?",
        },
        "PEG item 1: pain on average in the past week (0 no pain to 10 worst)",
    ),
    (
        "enjoyment",
        {
            "system": LOINC,
            "code": "91145-3",
            "display": "What number best describes how, during the past week, pain has "
            "interfered with your enjoyment of life?",
        },
        "PEG item 2: pain's interference with enjoyment of life in the past week (0 to 10)",
    ),
    (
        "activity",
        {
            "system": LOINC,
            "code": "91146-1",
            "display": "What number best describes how, during the past week, pain has "
            "interfered with your general activity?",
        },
        "PEG item 3: pain's interference with general activity in the past week (0 to 10)",
    ),
)
# A rating imported on a scale other than 0–10 goes out as rated, under a text code naming
# its app and scale, never under 72514-3, which means the 0–10 scale; its 0–10 conversion
# (3 on 0–4 → 8) is acutrack's arithmetic, not the person's answer. The scale's ends are a
# component with a valueRange: FHIR R4 has no element for an instrument's range, and
# Observation.referenceRange means a normal range, which 0 to 4 is not.
SCALE_RANGE = "Scale the rating was given on (lowest to highest)"

# No LOINC code for the PGIC could be confirmed (CDISC notes that no single standard
# version of it exists), so its Observation has a text code.
PGIC = (
    "Patient Global Impression of Change (PGIC), 1 (no change, or worse) to 7 (a great deal better)"
)
