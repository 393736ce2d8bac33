#!/usr/bin/env node
require("../dist/src/simulator/cli.js");
