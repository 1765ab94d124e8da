/** Tools: online cryptography with the account's keys, one section per operation. */
import { SymmetricTool } from "./tools/symmetric.js";
import { DataKeyTool } from "./tools/data-key.js";
import { SignVerifyTool } from "./tools/sign-verify.js";
import { PostQuantumTool } from "./tools/post-quantum.js";
import { LocalEncryptTool } from "./tools/local-encrypt.js";

const SECTIONS: [string, string][] = [
  ["tool-symmetric", "Encrypt / Decrypt"], ["tool-data-key", "GenerateDataKey"], ["tool-sign", "Sign / Verify"],
  ["tool-pqc", "Post-quantum"], ["tool-local", "Local public-key encryption"],
];

export function ToolsPage() {
  return (
    <>
      <h1>Tools</h1>
      <nav aria-label="Tools" class="toc">
        <ul>{SECTIONS.map(([id, label]) => <li><a href={`#/tools`} onClick={(e) => { e.preventDefault(); document.getElementById(id)?.scrollIntoView(); document.getElementById(`${id}-title`)?.focus(); }}>{label}</a></li>)}</ul>
      </nav>
      <SymmetricTool />
      <DataKeyTool />
      <SignVerifyTool />
      <PostQuantumTool />
      <LocalEncryptTool />
    </>
  );
}
