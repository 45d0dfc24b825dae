// Preloaded into Azurite (node --require), which runs in a session of its own: once the process that
// started it is gone (killed outright), Azurite shuts down as on SIGTERM instead of running on unowned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.kill(process.pid, "SIGTERM");
  }
}, 1000).unref();
