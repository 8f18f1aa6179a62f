#!/usr/bin/env node
// The `tmuxcodex` command's first step, written so that any Node can parse it (ES5, CommonJS, no
// import syntax): it says which Node is needed, or that the compiled files (dist/) are missing,
// before a newer-syntax module fails to load with an error that explains neither.
'use strict';
var fs = require('fs');
var path = require('path');

var root = path.join(__dirname, '..', '..');
var pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** [major, minor] from "20.19.1" or ">=20.19". */
function majorMinor(text) {
  var m = /(\d+)\.(\d+)/.exec(text) || /(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2] || 0)] : [0, 0];
}

/** Whether the running Node is at least the engines.node minimum of package.json. */
function nodeIsNewEnough(need) {
  var have = majorMinor(process.versions.node);
  return have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]);
}

function fail(lines) {
  process.stderr.write('tmuxcodex: ' + lines.join('\n  ') + '\n');
  process.exit(2);
}

var need = majorMinor(pkg.engines.node);
if (!nodeIsNewEnough(need)) {
  fail(['needs Node ' + need.join('.') + ' or newer; this is Node ' + process.versions.node + ' (' + process.execPath + ').',
    'Install a current Node (https://nodejs.org, or nvm install 20), then run tmuxcodex again.']);
}

var args = process.argv.slice(2);
// The version needs nothing else: keep it as fast as a Node start.
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(pkg.version + '\n');
  process.exit(0);
}

var main = path.join(root, 'dist', 'bin', 'tmuxcodex.js');
if (!fs.existsSync(main)) {
  var fromGit = fs.existsSync(path.join(root, 'src', 'bin', 'tmuxcodex.ts'));
  fail(['this copy of tmuxcodex has no compiled files: ' + main + ' is missing.',
    fromGit ? 'Build it once: cd ' + root + ' && npm install (or npm run build).'
      : 'The package was installed without its dist/ folder; reinstall it: npm install -g tmuxcodex (or from a tarball made by npm pack).']);
}

// Through Function: old parsers never see import(), which they could not parse.
new Function('url', 'return import(url)')(require('url').pathToFileURL(main).href).catch(function (e) {
  // A module that cannot load (a dependency missing from node_modules) is an install problem.
  fail(['could not load ' + main + ': ' + (e && e.message ? e.message : String(e)),
    'Reinstall tmuxcodex (npm install -g tmuxcodex, or npm install in its folder).']);
});
