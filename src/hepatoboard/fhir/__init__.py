"""FHIR R4 in and out: a Bundle becomes a case (:mod:`.to_case`), a case becomes a Bundle
(:mod:`.from_case`), an assessment becomes a Bundle (:mod:`.from_assessment`). Parsing and
structural validation use the ``fhir.resources`` R4B models; code maps live in the knowledge base
(``knowledge/data/fhir_codes.yaml``)."""
