"""Safety: prompt policy (normalisation, rules, embedding exemplars, real-person guard), output checks, reports."""
