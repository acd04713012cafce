"""The offline stand-in for Claude: an Anthropic-compatible Messages server on loopback (``server``),
its rate limits and faults (``limits``), and the procedural task bank that writes its answers."""
