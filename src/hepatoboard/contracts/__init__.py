"""The public contracts: the case (``hepatoboard-case/1``, :mod:`.case`), the assessment
(``hepatoboard-assessment/1``, :mod:`.assessment`), their vocabularies (:mod:`.vocab`) and
the errors that name what to fix (:mod:`.errors`)."""
