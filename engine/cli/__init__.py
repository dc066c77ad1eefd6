"""The `frist` command line: main, argument parser, command bodies, terminal handling."""
