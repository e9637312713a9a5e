"""CSV reports out of the tracking store, streamed from the cursor."""
