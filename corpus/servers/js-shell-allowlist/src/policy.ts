import path from "node:path";

const DEFAULT_ALLOW = ["git", "npm", "node", "ls", "cat", "head", "tail", "wc", "rg", "grep", "find", "pwd", "tsc"];
const DENIED_ARGS: Record<string, RegExp> = {
  git: /^(push|config|credential|remote)$/,
  npm: /^(publish|adduser|login|token|exec|x)$/,
  node: /^(-e|--eval|-p|--print|-r|--require|--import)$/,
  find: /^(-exec|-execdir|-delete|-ok)$/,
};

export const allowList = (process.env.SAFE_SHELL_ALLOW?.split(",").map((s) => s.trim()).filter(Boolean)) ?? DEFAULT_ALLOW;

export function checkCommand(command: string, args: string[]): void {
  if (!allowList.includes(command)) throw new Error(`'${command}' is not in the allow list: ${allowList.join(", ")}`);
  const denied = DENIED_ARGS[command];
  const bad = denied && args.find((a) => denied.test(a));
  if (bad) throw new Error(`'${command} ${bad}' is not allowed`);
}

export function checkCwd(root: string, requested: string | undefined): string {
  const cwd = path.resolve(root, requested ?? ".");
  if (cwd !== root && !cwd.startsWith(root + path.sep)) throw new Error("cwd must stay inside the workspace");
  return cwd;
}
