"""The CDS Hooks 2.0 service: discovery, ``patient-view`` and ``order-sign`` (:mod:`.services`),
prefetch and FHIR queries (:mod:`.prefetch`), cards (:mod:`.cards`), client JWT verification
(:mod:`.trust`) and per-tenant configuration (:mod:`.config`)."""
