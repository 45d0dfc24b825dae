// Loaded into Azurite with `node --require`. When the process that started Azurite ends without stopping it
// (killed, or crashed), Azurite shuts down as SIGTERM asks (saving what it keeps on disk) instead of
// living on as an orphan that holds the storage ports.
"use strict";
const parent = process.ppid;
let stopping = false;
// Azurite handles only the first SIGTERM; with a listener here a later one no longer ends it mid-save.
process.prependListener("SIGTERM", () => {
  stopping = true;
});
const watch = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(watch);
    if (!stopping) {
      process.kill(process.pid, "SIGTERM");
    }
  }
}, 500);
watch.unref();
