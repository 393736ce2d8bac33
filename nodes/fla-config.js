// Node-RED loads this file; the implementation is compiled from src/nodes/fla-config.ts.
module.exports = require("../dist/src/nodes/fla-config.js");
