#!/usr/bin/env node
// The published entry point runs the compiled CLI (npm install builds it through `prepare`).
import '../dist/cli/main.js'
