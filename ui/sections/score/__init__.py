"""The Score page's sections: input, scoring, results summary, label columns, metrics, table, charts, export."""
