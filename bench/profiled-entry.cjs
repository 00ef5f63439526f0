// Runs a service entry point (BENCH_ENTRY) so that `node --cpu-prof` gets to write its profile: the
// services end on SIGTERM by re-raising the signal, which skips that; SIGUSR2 exits normally instead.
process.once('SIGUSR2', () => process.exit(0));
require(process.env.BENCH_ENTRY);
