"""The Review page's sections: queue and view, the post with its evidence and decision, bulk, progress, export."""
