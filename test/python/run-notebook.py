"""Executes a Python notebook headless with nbclient, cell by cell, in this interpreter's kernel
(kernel "python3" from the virtual environment this script runs in), and prints one JSON document:
each code cell's text output and error, and the JSON value of the named variables at the end.

Usage: python run-notebook.py NOTEBOOK [VARIABLE ...]
"""
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def text_of(outputs):
    parts = []
    for output in outputs:
        if output.get('output_type') == 'stream':
            parts.append(output.get('text', ''))
        elif output.get('output_type') in ('execute_result', 'display_data'):
            data = output.get('data', {})
            parts.append(data.get('text/plain', '') or data.get('text/html', ''))
        elif output.get('output_type') == 'error':
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return ''.join(parts)


def main():
    path, names = sys.argv[1], sys.argv[2:]
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name='python3', timeout=int(os.environ.get('CELL_TIMEOUT', '300')),
                            resources={'metadata': {'path': os.path.dirname(os.path.abspath(path))}})
    report = {'cells': [], 'variables': None}
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != 'code':
                continue
            error = None
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as failure:
                error = f'{failure.ename}: {failure.evalue}'
            report['cells'].append({'index': index, 'source': cell.source, 'text': text_of(cell.outputs), 'error': error})
            print(f'cell {index}: {error or "ok"}', file=sys.stderr, flush=True)
            if error:
                break
        probe = nbformat.v4.new_code_cell(
            'import json as _json\nprint("@@VARIABLES@@" + _json.dumps({n: globals().get(n) for n in %r}, default=str))' % names)
        notebook.cells.append(probe)
        client.execute_cell(probe, len(notebook.cells) - 1)
        text = text_of(probe.outputs)
        marker = text.find('@@VARIABLES@@')
        if marker >= 0:
            report['variables'] = json.loads(text[marker + len('@@VARIABLES@@'):].strip())
    print(json.dumps(report))


if __name__ == '__main__':
    main()
