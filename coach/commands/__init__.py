"""One module per command: parse arguments, call the domain, hand results to ui. Heavy imports stay inside bodies."""
