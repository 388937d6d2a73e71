"""What a scanned tree can make a run do: the read boundary, the time budget, trusted
configs, and secret masking."""
