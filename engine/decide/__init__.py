"""Deciding a case: the decision, claims set aside, the law's constraints enforced, the decision's JSON trace."""
