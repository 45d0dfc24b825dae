// Preloaded into the bench's emulators (NODE_OPTIONS): Azurite collects unreferenced blob contents at start and
// every ten minutes after, and with some 10,000 pages stored one collection leaves the emulator serving nothing for
// over ten minutes (its mark phase walks every blob's extents page by page). A storage account has no such pause, and
// the bench's emulators live in memory for one run: the next collection is put off beyond any run.
const path = require("path");
const main = process.argv[1] ?? "";
if (path.basename(main) === "azurite.js") {
  const constants = require(path.join(path.dirname(main), "blob", "utils", "constants.js"));
  constants.DEFAULT_GC_INTERVAL_MS = 24 * 60 * 60 * 1000;
}
