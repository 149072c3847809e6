"""Everything written out: input templates, sample workbooks, plans, eligibility reviews."""
