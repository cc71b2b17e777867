#!/usr/bin/env node
// Checks docs/xapi-profile.jsonld against the statements the kiosk really emits, so
// the profile and src/core/xapi.c cannot drift apart: the profile is an xAPI
// Profile (ADL xAPI Profiles 1.0: context, id, type, conformsTo, labels in nl and
// en, versions, author, concepts), and the verb, activity type and extension IRIs
// in the statements are exactly its Verb, ActivityType and Extension concepts, both
// ways (nothing emitted without a concept, no concept the kiosk never emits).
// Usage: node profile.js PROFILE.jsonld STATEMENTS.jsonl   (exit 1 on any problem)
'use strict';
const fs = require('fs');

const [profilePath, statementsPath] = process.argv.slice(2);
const problems = [];
const bad = (m) => problems.push(m);
const langs = (o, what) => {
  for (const l of ['nl', 'en']) {
    if (!o || typeof o[l] !== 'string' || o[l].trim() === '') bad(`${what}: no "${l}" text`);
  }
};

const profile = JSON.parse(fs.readFileSync(profilePath, 'utf8'));
if (profile['@context'] !== 'https://w3id.org/xapi/profiles/context') bad('@context is not the xAPI Profiles context');
if (profile.type !== 'Profile') bad('type is not "Profile"');
if (profile.conformsTo !== 'https://w3id.org/xapi/profiles#1.0') bad('conformsTo is not xAPI Profiles 1.0');
if (typeof profile.id !== 'string' || !/^https:\/\//.test(profile.id)) bad('id is not an IRI');
langs(profile.prefLabel, 'profile prefLabel');
langs(profile.definition, 'profile definition');
if (!Array.isArray(profile.versions) || profile.versions.length === 0) bad('no versions');
const version = profile.versions && profile.versions[0] && profile.versions[0].id;
for (const v of profile.versions || []) {
  if (typeof v.id !== 'string' || !v.id.startsWith(profile.id)) bad(`version ${v.id} not below ${profile.id}`);
  if (Number.isNaN(Date.parse(v.generatedAtTime))) bad(`version ${v.id}: no generatedAtTime`);
}
if (!profile.author || !['Organization', 'Person'].includes(profile.author.type) || !profile.author.name) {
  bad('author needs a type and a name');
}

const concepts = new Map();
const EXT_TYPES = ['ContextExtension', 'ResultExtension', 'ActivityExtension'];
for (const c of profile.concepts || []) {
  if (concepts.has(c.id)) bad(`concept ${c.id} twice`);
  concepts.set(c.id, c);
  if (!['Verb', 'ActivityType', ...EXT_TYPES].includes(c.type)) bad(`concept ${c.id}: type ${c.type}`);
  if (c.inScheme !== version) bad(`concept ${c.id}: inScheme is not ${version}`);
  langs(c.prefLabel, `concept ${c.id} prefLabel`);
  langs(c.definition, `concept ${c.id} definition`);
  if (c.inlineSchema !== undefined) {
    try { JSON.parse(c.inlineSchema); } catch (e) { bad(`concept ${c.id}: inlineSchema is not JSON`); }
  }
}

// What the statements use: [IRI, concept type] pairs.
const used = new Map();
const use = (iri, type) => { if (iri) used.set(iri, type); };
const activityType = (a) => use(a && a.definition && a.definition.type, 'ActivityType');
const lines = fs.readFileSync(statementsPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
let categorised = 0;
for (const line of lines) {
  const st = JSON.parse(line);
  use(st.verb && st.verb.id, 'Verb');
  if (st.object && st.object.objectType !== 'StatementRef' && st.object.objectType !== 'SubStatement') activityType(st.object);
  const ctx = st.context || {};
  for (const list of Object.values(ctx.contextActivities || {})) for (const a of list) activityType(a);
  for (const k of Object.keys(ctx.extensions || {})) use(k, 'ContextExtension');
  for (const k of Object.keys((st.result && st.result.extensions) || {})) use(k, 'ResultExtension');
  const od = (st.object && st.object.definition) || {};
  for (const k of Object.keys(od.extensions || {})) use(k, 'ActivityExtension');
  const cat = (ctx.contextActivities && ctx.contextActivities.category) || [];
  if (cat.some((a) => a.id === version)) categorised++;
}
if (lines.length === 0) bad('no statements to check');
if (categorised !== lines.length) bad(`${lines.length - categorised} statements without the profile version ${version} as category`);

for (const [iri, type] of used) {
  const c = concepts.get(iri);
  if (!c) bad(`emitted but not in the profile: ${type} ${iri}`);
  else if (c.type !== type) bad(`${iri}: emitted as ${type}, the profile says ${c.type}`);
}
for (const [iri, c] of concepts) {
  if (!used.has(iri)) bad(`in the profile but never emitted: ${c.type} ${iri}`);
}

for (const p of problems) console.log(p);
console.log(`checked ${lines.length} statements, ${used.size} IRIs, ${concepts.size} concepts: ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
