import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/kit-config.js';
import { pollUntil } from '../src/poll.js';
import { readTemplate } from '../src/infra/parse-template.js';

const LIFECYCLE = resolve(import.meta.dirname, '..', 'lifecycle');
const TSLAB_BIN = resolve(import.meta.dirname, '..', 'node_modules', 'tslab', 'bin', 'tslab');
// Debian's Python, where Jupyter lives here (the python3 first on PATH is pyenv's).
const DEBIAN_PYTHON = '/usr/bin/python3';
const quietPython = { PYDEVD_DISABLE_FILE_VALIDATION: '1', PYTHONWARNINGS: 'ignore' };

function run(command: string, args: string[], env: Record<string, string> = {}, timeout = 120_000) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...quietPython, ...env }, timeout });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', signal: result.signal };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idgraph-lifecycle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lifecycle scripts', () => {
  const scripts = readdirSync(LIFECYCLE).filter((name) => name.endsWith('.sh'));

  it('are the hooks and their helpers', () => {
    expect(scripts.sort()).toEqual(['install-kit.sh', 'on-create.sh', 'on-start.sh', 'register-tslab-kernel.sh', 'write-kit-config.sh']);
  });

  it('pass shellcheck', () => {
    const result = run('shellcheck', ['--severity=info', ...scripts.map((name) => join(LIFECYCLE, name))]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('stay under SageMaker\'s 16384-character script limit', () => {
    for (const name of scripts) expect(statSync(join(LIFECYCLE, name)).size, name).toBeLessThan(16_384);
  });
});

describe('the workbench hook and the scripts it runs', () => {
  it('exports every setting install-kit.sh and on-start.sh read', () => {
    const workbench = readTemplate(resolve(LIFECYCLE, '..', 'cloudformation-templates', 'neptune-workbench.yaml')).template;
    const hook = (workbench.Resources.LifecycleConfig!.Properties as any).OnStart[0].Content['Fn::Base64']['Fn::Sub'][0] as string;
    const exported = new Set([...hook.matchAll(/^export ([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    // Overrides that exist only so the tests can run the scripts here.
    const testOnly = new Set(['IDGRAPH_HOME', 'IDGRAPH_NODE_BIN_DIR', 'IDGRAPH_INSTALL_SCRIPT', 'IDGRAPH_LOG_DIR']);
    const read = new Set<string>();
    for (const name of ['install-kit.sh', 'on-start.sh']) {
      for (const match of readFileSync(join(LIFECYCLE, name), 'utf8').matchAll(/\$\{((?:IDGRAPH|GRAPH_NOTEBOOK|NEPTUNE|AWS)_[A-Z0-9_]+)[:}]/g)) read.add(match[1]!);
    }
    const missing = [...read].filter((name) => !testOnly.has(name) && !exported.has(name));
    expect(read.size).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});

describe('register-tslab-kernel.sh against Debian\'s Jupyter', () => {
  it('registers a kernel that runs TypeScript with node on its PATH', () => {
    const prefix = join(dir, 'prefix');
    const nodeDir = join(dir, 'node bin');
    mkdirSync(nodeDir);
    // A node reachable only through the folder given: the kernel must get it on PATH itself.
    symlinkSync(process.execPath, join(nodeDir, 'node'));
    const registered = run('bash', [
      join(LIFECYCLE, 'register-tslab-kernel.sh'),
      '--python', DEBIAN_PYTHON,
      '--node', join(nodeDir, 'node'),
      '--tslab', TSLAB_BIN,
      '--wrapper-dir', join(dir, 'wrapper'),
      '--prefix', prefix,
      '--env', `IDGRAPH_DATA_DIR=${join(dir, 'data dir')}`,
    ]);
    expect(registered.stderr.split('\n').filter((line) => /register-tslab-kernel:/.test(line))).toEqual([]);
    expect(registered.status).toBe(0);
    const kernel = JSON.parse(readFileSync(join(prefix, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'), 'utf8'));
    expect(kernel.argv).toEqual([join(dir, 'wrapper', 'tslab-kernel'), 'kernel', '--config-path', '{connection_file}']);

    const notebook = join(dir, 'check.ipynb');
    writeFileSync(
      notebook,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
        cells: [
          {
            id: 'c1',
            cell_type: 'code',
            execution_count: null,
            metadata: {},
            outputs: [],
            source: [
              'const answer: number = 6 * 7;\n',
              'console.log(`answer=${answer}`);\n',
              "console.log(`path0=${process.env.PATH!.split(':')[0]}`);\n",
              'console.log(`data=${process.env.IDGRAPH_DATA_DIR}`);',
            ],
          },
        ],
      }),
    );
    const executed = run(
      DEBIAN_PYTHON,
      ['-Xfrozen_modules=off', '-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.timeout=120', '--output', 'executed.ipynb', notebook],
      { JUPYTER_PATH: join(prefix, 'share', 'jupyter'), JUPYTER_RUNTIME_DIR: join(dir, 'runtime'), JUPYTER_CONFIG_DIR: join(dir, 'config') },
    );
    expect(executed.status, executed.stderr).toBe(0);
    const outputs = JSON.parse(readFileSync(join(dir, 'executed.ipynb'), 'utf8')).cells[0].outputs;
    const text = outputs.map((output: { text: string[] }) => output.text.join('')).join('');
    expect(text).toBe(`answer=42\npath0=${nodeDir}\ndata=${join(dir, 'data dir')}\n`);
  });

  it('refuses a Python without Jupyter and bad arguments, naming the problem', () => {
    const notJupyter = run('bash', [join(LIFECYCLE, 'register-tslab-kernel.sh'), '--python', '/bin/false', '--node', process.execPath, '--tslab', TSLAB_BIN, '--wrapper-dir', join(dir, 'w2'), '--prefix', join(dir, 'p2')]);
    expect(notJupyter.status).toBe(2);
    expect(notJupyter.stderr).toContain('not a Jupyter environment');
    const noPrefix = run('bash', [join(LIFECYCLE, 'register-tslab-kernel.sh'), '--python', DEBIAN_PYTHON, '--node', process.execPath, '--tslab', TSLAB_BIN, '--wrapper-dir', join(dir, 'w3')]);
    expect(noPrefix.status).toBe(2);
    expect(noPrefix.stderr).toContain('--sys-prefix or --prefix');
    const badEnv = run('bash', [join(LIFECYCLE, 'register-tslab-kernel.sh'), '--python', DEBIAN_PYTHON, '--node', process.execPath, '--tslab', TSLAB_BIN, '--wrapper-dir', join(dir, 'w4'), '--prefix', join(dir, 'p4'), '--env', 'not a name=1']);
    expect(badEnv.status).toBe(2);
    expect(existsSync(join(dir, 'p4', 'share', 'jupyter', 'kernels', 'tslab'))).toBe(false);
  });
});

describe('write-kit-config.sh', () => {
  it('writes the kit config from graph_notebook_config.json and the environment, merging what is there', () => {
    const dataDir = join(dir, 'kit-data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ stackOutputs: { VpcId: 'vpc-1' }, tablePrefix: 'custom_' }));
    const graphConfig = join(dir, 'graph_notebook_config.json');
    writeFileSync(graphConfig, JSON.stringify({ host: 'c.cluster-x.us-east-1.neptune.amazonaws.com', port: '8182', auth_mode: 'IAM', load_from_s3_arn: '', ssl: true, aws_region: 'us-east-1' }));
    const result = run('bash', [join(LIFECYCLE, 'write-kit-config.sh'), '--python', DEBIAN_PYTHON, '--data-dir', dataDir, '--graph-notebook-config', graphConfig], {
      IDGRAPH_BUCKET: 'kit-bucket',
      AWS_REGION: 'us-east-1',
      IDGRAPH_STACK_PREFIX: 'kit',
      NEPTUNE_LOAD_FROM_S3_ROLE_ARN: 'arn:aws:iam::1:role/loader',
    });
    expect(result.status, result.stderr).toBe(0);
    const config = loadConfig({ dataDir }, { GRAPH_NOTEBOOK_CONFIG: join(dir, 'absent.json') });
    expect(config).toMatchObject({
      mode: 'aws',
      bucket: 'kit-bucket',
      region: 'us-east-1',
      stackPrefix: 'kit',
      tablePrefix: 'custom_',
      loaderRoleArn: 'arn:aws:iam::1:role/loader',
      neptune: { host: 'c.cluster-x.us-east-1.neptune.amazonaws.com', port: 8182, iamAuth: true, region: 'us-east-1' },
      stackOutputs: { VpcId: 'vpc-1' },
    });
    expect(readdirSync(dataDir)).toEqual(['config.json']);
  });

  it('falls back to the lifecycle\'s GRAPH_NOTEBOOK_* settings when graph-notebook wrote no config', () => {
    const dataDir = join(dir, 'kit-data-env');
    const result = run('bash', [join(LIFECYCLE, 'write-kit-config.sh'), '--python', DEBIAN_PYTHON, '--data-dir', dataDir, '--graph-notebook-config', join(dir, 'absent.json')], {
      AWS_REGION: 'eu-west-1',
      GRAPH_NOTEBOOK_HOST: 'env.cluster-x.eu-west-1.neptune.amazonaws.com',
      GRAPH_NOTEBOOK_PORT: '8182',
      GRAPH_NOTEBOOK_AUTH_MODE: 'IAM',
    });
    expect(result.status, result.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'));
    expect(config.neptune).toEqual({ host: 'env.cluster-x.eu-west-1.neptune.amazonaws.com', port: 8182, iamAuth: true, region: 'eu-west-1' });
  });

  it('fails on a broken graph-notebook config, naming it, and leaves the kit config alone', () => {
    const dataDir = join(dir, 'kit-data-2');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'config.json'), '{"bucket":"kept"}');
    const graphConfig = join(dir, 'broken_graph_notebook_config.json');
    writeFileSync(graphConfig, '{ "host": ');
    const result = run('bash', [join(LIFECYCLE, 'write-kit-config.sh'), '--python', DEBIAN_PYTHON, '--data-dir', dataDir, '--graph-notebook-config', graphConfig]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`${graphConfig} (graph-notebook config) is not valid JSON`);
    expect(readFileSync(join(dataDir, 'config.json'), 'utf8')).toBe('{"bucket":"kept"}');
  });
});

describe('on-start.sh', () => {
  it('returns while the installer still runs in the background, logging to the log file', async () => {
    const go = join(dir, 'go');
    const marker = join(dir, 'installed');
    const stub = join(dir, 'stub-install.sh');
    // The stub installer waits for the test's signal: on-start.sh can only return if it did not wait.
    writeFileSync(stub, `#!/bin/bash\necho stub-started\nwhile [ ! -e '${go}' ]; do sleep 0.05; done\necho stub-finished\ntouch '${marker}'\n`);
    const logDir = join(dir, 'logs');
    const started = run('bash', [join(LIFECYCLE, 'on-start.sh')], { IDGRAPH_INSTALL_SCRIPT: stub, IDGRAPH_LOG_DIR: logDir }, 30_000);
    expect(started.signal).toBeNull();
    expect(started.status).toBe(0);
    expect(started.stdout).toContain(`follow ${join(logDir, 'install.log')}`);
    expect(existsSync(marker)).toBe(false);
    writeFileSync(go, '');
    await pollUntil(async () => ({ done: existsSync(marker), value: undefined }), { minDelay: 20, maxDelay: 200, timeout: 20_000, what: 'stub installer' });
    const log = readFileSync(join(logDir, 'install.log'), 'utf8');
    expect(log).toMatch(/starting .*stub-install\.sh in the background\nstub-started\nstub-finished\n/);
  });
});

describe('install-kit.sh, with stand-ins for dnf, aws, sudo, chown and systemctl', () => {
  it('installs node, tslab and the kit, registers the kernel with the Jupyter env, writes the config, copies notebooks and restarts Jupyter', () => {
    const home = join(dir, 'home');
    const stubs = join(dir, 'stubs');
    const nodeBinDir = join(dir, 'usr-bin');
    const calls = join(dir, 'calls.log');
    for (const folder of [home, stubs, nodeBinDir, join(home, 'anaconda3', 'envs'), join(home, 'SageMaker', 'identity-graph')]) mkdirSync(folder, { recursive: true });
    // The Workbench's Jupyter environment, played by a venv over Debian's Jupyter: `--sys-prefix`
    // then lands in the venv, and Jupyter run from the venv finds the kernel on its own.
    const venv = join(home, 'anaconda3', 'envs', 'JupyterSystemEnv');
    expect(run(DEBIAN_PYTHON, ['-m', 'venv', '--system-site-packages', '--without-pip', venv]).status).toBe(0);

    const stub = (name: string, body: string) => writeFileSync(join(stubs, name), `#!/bin/bash\necho "${name} $*" >> '${calls}'\n${body}\n`, { mode: 0o755 });
    stub('dnf', 'exit 0');
    stub('chown', 'exit 0');
    stub('systemctl', 'exit 0');
    stub('sudo', 'while [ $# -gt 0 ]; do case "$1" in -u) shift 2 ;; -H|-i) shift ;; *) break ;; esac; done\nexec "$@"');
    // S3: the kit tarball is there; graph-notebook's release bucket is not reachable.
    stub('aws', 'case "$4" in *kit/idgraph-kit.tgz) echo tarball > "$5" ;; *) exit 1 ;; esac');
    symlinkSync(process.execPath, join(nodeBinDir, 'node-22'));
    // npm-22: "installs" tslab (the real one) and a kit package holding one notebook.
    writeFileSync(
      join(nodeBinDir, 'npm-22'),
      [
        '#!/bin/bash',
        `echo "npm-22 $*" >> '${calls}'`,
        'prefix="$3"',
        'mkdir -p "$prefix/node_modules/idgraph-kit/notebooks"',
        `ln -sfn '${resolve(TSLAB_BIN, '..', '..')}' "$prefix/node_modules/tslab"`,
        `cat > "$prefix/node_modules/idgraph-kit/notebooks/00-Check.ipynb" <<'NB'`,
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
          cells: [
            {
              id: 'c1', cell_type: 'code', execution_count: null, metadata: {}, outputs: [],
              source: ["import { readFileSync } from 'fs';\n", "const config = JSON.parse(readFileSync(process.env.IDGRAPH_DATA_DIR + '/config.json', 'utf8'));\n", 'console.log(`${config.mode} ${config.neptune.host} ${process.env.AWS_REGION}`);'],
            },
          ],
        }),
        'NB',
        `cp "$prefix/node_modules/idgraph-kit/notebooks/00-Check.ipynb" "$prefix/node_modules/idgraph-kit/notebooks/01-Second.ipynb"`,
      ].join('\n'),
      { mode: 0o755 },
    );
    writeFileSync(join(home, 'graph_notebook_config.json'), JSON.stringify({ host: 'c.cluster-x.eu-west-1.neptune.amazonaws.com', port: '8182', auth_mode: 'IAM', aws_region: 'eu-west-1' }));
    writeFileSync(join(home, '.bashrc'), '');
    // A notebook the reader already edited is kept.
    writeFileSync(join(home, 'SageMaker', 'identity-graph', '01-Second.ipynb'), 'edited by the reader');

    const installed = run('bash', [join(LIFECYCLE, 'install-kit.sh')], {
      PATH: `${stubs}:/usr/bin:/bin`,
      IDGRAPH_HOME: home,
      IDGRAPH_NODE_BIN_DIR: nodeBinDir,
      AWS_REGION: 'eu-west-1',
      IDGRAPH_BUCKET: 'kit-bucket',
      IDGRAPH_STACK_PREFIX: 'kit',
      IDGRAPH_NODE_MAJOR: '22',
      GRAPH_NOTEBOOK_AUTH_MODE: 'IAM',
      GRAPH_NOTEBOOK_HOST: 'c.cluster-x.eu-west-1.neptune.amazonaws.com',
    });
    expect(installed.status, installed.stdout + installed.stderr).toBe(0);
    expect(installed.stdout).toContain('idgraph install:');
    expect(installed.stdout).toMatch(/7\/7 restarting the Jupyter server[\s\S]*done/);

    const log = readFileSync(calls, 'utf8');
    expect(log).toContain('dnf install -y -q nodejs22 nodejs22-npm');
    expect(log).toContain('aws s3 cp --quiet s3://kit-bucket/kit/idgraph-kit.tgz');
    expect(log).toContain(`npm-22 install --prefix ${home} --no-audit --no-fund tslab@^1.0.22 ${join(home, '.idgraph-kit.tgz')}`);
    expect(log).toContain('systemctl --no-block restart jupyter-server');
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toContain('.idgraph-graph-notebook.sh');
    expect(readFileSync(join(home, '.idgraph-graph-notebook.sh'), 'utf8')).toContain('GRAPH_NOTEBOOK_AUTH_MODE=IAM');
    expect(readFileSync(join(home, 'SageMaker', 'identity-graph', '01-Second.ipynb'), 'utf8')).toBe('edited by the reader');

    const kernel = JSON.parse(readFileSync(join(venv, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'), 'utf8'));
    expect(kernel.argv[0]).toBe(join(home, '.idgraph-kernel', 'tslab-kernel'));

    // The copied notebook runs on the registered kernel, from the Jupyter environment's own Python.
    const executed = run(
      join(venv, 'bin', 'python'),
      ['-Xfrozen_modules=off', '-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.timeout=120', '--output', 'executed.ipynb', join(home, 'SageMaker', 'identity-graph', '00-Check.ipynb')],
      { JUPYTER_RUNTIME_DIR: join(dir, 'runtime-2'), JUPYTER_CONFIG_DIR: join(dir, 'config-2'), JUPYTER_DATA_DIR: join(dir, 'data-2') },
    );
    expect(executed.status, executed.stderr).toBe(0);
    const output = JSON.parse(readFileSync(join(home, 'SageMaker', 'identity-graph', 'executed.ipynb'), 'utf8')).cells[0].outputs[0].text.join('');
    expect(output).toBe('aws c.cluster-x.eu-west-1.neptune.amazonaws.com eu-west-1\n');
  });
});

describe('install-kit.sh without a kit to install', () => {
  it('says plainly that neither the tarball nor a package spec exists, and what to run', () => {
    const root = join(dir, 'no-kit');
    const home = join(root, 'home');
    const stubs = join(root, 'stubs');
    const nodeBinDir = join(root, 'usr-bin');
    const calls = join(root, 'calls.log');
    for (const folder of [home, stubs, nodeBinDir]) mkdirSync(folder, { recursive: true });
    const stub = (name: string, body: string) => writeFileSync(join(stubs, name), `#!/bin/bash\necho "${name} $*" >> '${calls}'\n${body}\n`, { mode: 0o755 });
    for (const name of ['dnf', 'chown', 'systemctl']) stub(name, 'exit 0');
    stub('sudo', 'while [ $# -gt 0 ]; do case "$1" in -u) shift 2 ;; -H|-i) shift ;; *) break ;; esac; done\nexec "$@"');
    // Nothing in any bucket: no graph-notebook release, no kit tarball.
    stub('aws', 'echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key does not exist" >&2; exit 1');
    symlinkSync(process.execPath, join(nodeBinDir, 'node-22'));
    writeFileSync(join(nodeBinDir, 'npm-22'), `#!/bin/bash\necho "npm-22 $*" >> '${calls}'\n`, { mode: 0o755 });
    writeFileSync(join(home, '.bashrc'), '');
    const installed = run('bash', [join(LIFECYCLE, 'install-kit.sh')], {
      PATH: `${stubs}:/usr/bin:/bin`,
      IDGRAPH_HOME: home,
      IDGRAPH_NODE_BIN_DIR: nodeBinDir,
      AWS_REGION: 'eu-west-1',
      IDGRAPH_BUCKET: 'kit-bucket',
      IDGRAPH_KIT_PACKAGE: '',
      IDGRAPH_NODE_MAJOR: '22',
    });
    expect(installed.status).toBe(1);
    expect(installed.stdout).toMatch(/ERROR: the kit cannot be installed: s3:\/\/kit-bucket\/kit\/idgraph-kit\.tgz is not there .*no kit package was given.*Run "idgraph provision"/);
    expect(readFileSync(calls, 'utf8')).not.toContain('npm-22');
  });
});

describe('install-kit.sh and graph-notebook\'s install', () => {
  it('puts back the Jupyter server packages the graph-notebook release changed in JupyterSystemEnv', () => {
    const root = join(dir, 'gn-downgrade');
    const home = join(root, 'home');
    const stubs = join(root, 'stubs');
    const nodeBinDir = join(root, 'usr-bin');
    const calls = join(root, 'calls.log');
    for (const folder of [home, stubs, nodeBinDir, join(home, 'anaconda3', 'envs')]) mkdirSync(folder, { recursive: true });
    const venv = join(home, 'anaconda3', 'envs', 'JupyterSystemEnv');
    expect(run(DEBIAN_PYTHON, ['-m', 'venv', '--system-site-packages', '--without-pip', venv]).status).toBe(0);
    const sitePackages = run(join(venv, 'bin', 'python'), ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).stdout.trim();
    const clientBefore = run(join(venv, 'bin', 'python'), ['-c', 'import importlib.metadata as m; print(m.version("jupyter_client"))']).stdout.trim();
    expect(clientBefore).toMatch(/^\d+\./);
    const fakeOld = join(sitePackages, 'jupyter_client-6.1.12.dist-info');

    // The release: an install.sh that pins jupyter-client<=6.1.12, as AWS's AL2 sample does
    // (played by a dist-info of that version shadowing Debian's).
    const release = join(root, 'release', 'graph_notebook');
    mkdirSync(release, { recursive: true });
    writeFileSync(join(release, 'install.sh'), `#!/bin/bash\nmkdir -p '${fakeOld}'\nprintf 'Metadata-Version: 2.1\\nName: jupyter_client\\nVersion: 6.1.12\\n' > '${fakeOld}/METADATA'\necho gn-installed\n`, { mode: 0o755 });
    const tarball = join(root, 'graph_notebook.tar.gz');
    expect(spawnSync('tar', ['-czf', tarball, '-C', join(root, 'release'), 'graph_notebook']).status).toBe(0);

    const stub = (name: string, body: string) => writeFileSync(join(stubs, name), `#!/bin/bash\necho "${name} $*" >> '${calls}'\n${body}\n`, { mode: 0o755 });
    for (const name of ['dnf', 'chown', 'systemctl']) stub(name, 'exit 0');
    stub('sudo', 'while [ $# -gt 0 ]; do case "$1" in -u) shift 2 ;; -H|-i) shift ;; *) break ;; esac; done\nexec "$@"');
    // The release is in AWS's bucket; the kit tarball is not (the install stops at step 3, after what is tested here).
    stub('aws', `case "$4" in *graph_notebook.tar.gz) cp '${tarball}' "$5" ;; *) exit 1 ;; esac`);
    // JupyterSystemEnv's pip, as a stand-in: "installs" the versions given by removing the shadowing dist-info.
    writeFileSync(join(venv, 'bin', 'pip'), `#!/bin/bash\necho "pip $*" >> '${calls}'\nrm -rf '${fakeOld}'\n`, { mode: 0o755 });
    symlinkSync(process.execPath, join(nodeBinDir, 'node-22'));
    writeFileSync(join(nodeBinDir, 'npm-22'), '#!/bin/bash\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(home, '.bashrc'), '');

    const installed = run('bash', [join(LIFECYCLE, 'install-kit.sh')], {
      PATH: `${stubs}:/usr/bin:/bin`,
      IDGRAPH_HOME: home,
      IDGRAPH_NODE_BIN_DIR: nodeBinDir,
      AWS_REGION: 'eu-west-1',
      IDGRAPH_BUCKET: 'kit-bucket',
      IDGRAPH_KIT_PACKAGE: '',
      IDGRAPH_NODE_MAJOR: '22',
    });
    expect(installed.stdout).toContain('gn-installed');
    expect(installed.stdout).toContain(`graph-notebook's install changed the Jupyter server's packages; putting back jupyter_client==${clientBefore}`);
    expect(readFileSync(calls, 'utf8')).toContain(`pip install --quiet --disable-pip-version-check jupyter_client==${clientBefore}`);
    expect(existsSync(fakeOld)).toBe(false);
  });
});
