// Node-RED loads this file; the implementation is compiled from src/nodes/fla-export.ts.
module.exports = require("../dist/src/nodes/fla-export.js");
