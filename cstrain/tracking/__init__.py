"""Who is learning what: roster, assignments, results in, module status, levels."""
