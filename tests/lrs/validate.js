#!/usr/bin/env node
// Validates xAPI statements with Learning Locker's validator
// (@learninglocker/xapi-validation). Input: JSON Lines files (one statement a line)
// or a JSON array file. Prints every problem; exits 1 when any statement has one.
'use strict';
const fs = require('fs');
const validate = require('@learninglocker/xapi-validation').default;

let checked = 0;
let bad = 0;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const trimmed = text.trim();
  const statements = trimmed.startsWith('[')
    ? JSON.parse(trimmed)
    : trimmed.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  for (const st of statements) {
    checked++;
    const problems = validate(st);
    if (problems.length > 0) {
      bad++;
      console.log(`${file}: statement ${st.id}:`);
      for (const p of problems) console.log(`  ${p.path.join('.')}: ${p.name}`);
    }
  }
}
console.log(`validated ${checked} statements, ${bad} with problems`);
process.exit(bad === 0 && checked > 0 ? 0 : 1);
