/**
 * electron-builder `msiProjectCreated` hook: turns msiexec properties into machine
 * policy. electron-builder's MSI template has no way to declare properties, so this
 * edits the generated project.wxs before WiX compiles it (the hook electron-builder
 * provides for exactly this).
 *
 *   msiexec /i Lantern.msi /qn HUBURL=https://lantern-hub.hospital.cn AUTOLOCK=5 UPDATES=0
 *
 * Each property that is given becomes a value under HKLM\SOFTWARE\Policies\Lantern
 * (the same key Group Policy uses), which the app reads at start together with
 * %ProgramData%\Lantern\policy.json (electron/services/policy/load.ts). Properties left
 * out on a later upgrade keep their earlier value (read back by a RegistrySearch:
 * the "remember property" pattern), and an explicitly given one replaces it.
 * Uninstalling the MSI removes the values it wrote.
 */
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- electron-builder loads this hook as CommonJS
const fs = require('node:fs');

/** msiexec property → registry value (names as in REGISTRY_VALUES) and a fixed component GUID. */
const PROPERTIES = [
  { property: 'HUBURL', value: 'HubUrl', guid: '06DDBCBA-E032-44D8-A815-405247CEE0A9' },
  { property: 'AUTOLOCK', value: 'AutoLockMinutes', guid: '286F2DFC-EC46-4826-A0AB-89720826CED9' },
  { property: 'UPDATES', value: 'UpdatesEnabled', guid: 'D4F8813B-BD1E-4F01-90B9-69FE261F9141' },
  { property: 'UPDATECHANNEL', value: 'UpdateChannel', guid: '188564A2-D83D-4A8B-B852-CB891B40A1CE' },
  { property: 'ALLOWEDCHANNELS', value: 'AllowedChannels', guid: '6DF7B983-8149-4CF6-AD87-CDD23E315ED5' },
  { property: 'LOGLEVEL', value: 'LogLevel', guid: 'F03A0F87-B618-48D4-84BA-71D526769EA6' },
];
const KEY = 'SOFTWARE\\Policies\\Lantern';
const MARKER = '<!-- lantern:machine-policy -->';

function fragment() {
  const lines = [MARKER];
  for (const p of PROPERTIES) {
    lines.push(
      `<Property Id="${p.property}" Secure="yes">`,
      `  <RegistrySearch Id="Search${p.value}" Root="HKLM" Key="${KEY}" Name="${p.value}" Type="raw"/>`,
      `</Property>`,
      `<Property Id="LANTERN_${p.property}_CMD" Secure="yes"/>`,
      // Remember the command-line value before AppSearch overwrites it with the old one, and put it back after.
      `<SetProperty Id="LANTERN_${p.property}_CMD" Value="[${p.property}]" Before="AppSearch" Sequence="first">${p.property}</SetProperty>`,
      `<SetProperty Id="${p.property}" Value="[LANTERN_${p.property}_CMD]" After="AppSearch" Sequence="first">LANTERN_${p.property}_CMD</SetProperty>`,
    );
  }
  lines.push('<ComponentGroup Id="LanternMachinePolicy" Directory="APPLICATIONFOLDER">');
  for (const p of PROPERTIES) {
    lines.push(
      `  <Component Id="Policy${p.value}" Guid="{${p.guid}}" Transitive="yes">`,
      `    <Condition>${p.property}</Condition>`,
      `    <RegistryValue Root="HKLM" Key="${KEY}" Name="${p.value}" Type="string" Value="[${p.property}]" KeyPath="yes"/>`,
      `  </Component>`,
    );
  }
  lines.push('</ComponentGroup>');
  return lines.join('\n    ');
}

/** The project with the policy properties and components added. Idempotent. */
function injectPolicy(xml) {
  if (xml.includes(MARKER)) return xml;
  const featureRef = '<ComponentGroupRef Id="ProductComponents"/>';
  if (!xml.includes(featureRef) || !xml.includes('</Product>')) throw new Error('msi-policy: unexpected project.wxs (electron-builder template changed?)');
  return xml
    .replace(featureRef, `${featureRef}\n      <ComponentGroupRef Id="LanternMachinePolicy"/>`)
    .replace('</Product>', `  ${fragment()}\n  </Product>`);
}

async function msiProjectCreated(projectFile) {
  const xml = await fs.promises.readFile(projectFile, 'utf8');
  await fs.promises.writeFile(projectFile, injectPolicy(xml));
}

module.exports = { msiProjectCreated, injectPolicy, PROPERTIES, KEY };
