// Node-RED loads this file; the implementation is compiled from src/nodes/fla-query.ts.
module.exports = require("../dist/src/nodes/fla-query.js");
