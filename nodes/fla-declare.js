// Node-RED loads this file; the implementation is compiled from src/nodes/fla-declare.ts.
module.exports = require("../dist/src/nodes/fla-declare.js");
