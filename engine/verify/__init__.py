"""What `frin validate` proves by deciding: example parity across evaluators, the verified cache, law boundary search."""
