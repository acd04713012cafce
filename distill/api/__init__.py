"""Stage 1 transport: the Claude client (``client``), its rate limiter, cost, durable cache and
Message Batches. Import the module you need; this package imports nothing on its own."""
