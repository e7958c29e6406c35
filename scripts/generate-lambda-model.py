#!/usr/bin/env python3
"""Writes src/api/lambda/model.json: every Lambda operation's HTTP binding (method, URI template,
status) and the input shapes with their constraints and where each member travels (URI label,
query string, header or body), from the botocore service model (the authoritative AWS
description), without documentation. Run: python3 scripts/generate-lambda-model.py"""
import gzip, json, os, pathlib
import botocore

root = pathlib.Path(os.path.dirname(botocore.__file__)) / 'data' / 'lambda'
version = sorted(p.name for p in root.iterdir())[-1]
source = root / version / 'service-2.json.gz'
model = json.load(gzip.open(source)) if source.exists() else json.load(open(root / version / 'service-2.json'))

KEEP = ('type', 'required', 'min', 'max', 'enum', 'pattern', 'sensitive', 'payload')
MEMBER_KEEP = ('location', 'locationName')
shapes = {}

def keep(name):
    """Copies an input shape and, recursively, the shapes its members use."""
    if name in shapes:
        return
    shape = model['shapes'][name]
    s = {k: shape[k] for k in KEEP if k in shape}
    shapes[name] = s
    if 'members' in shape:
        s['members'] = {}
        for m, v in shape['members'].items():
            s['members'][m] = {'shape': v['shape'], **{k: v[k] for k in MEMBER_KEEP if k in v}}
            keep(v['shape'])
    for k in ('member', 'key', 'value'):
        if k in shape:
            s[k] = shape[k]['shape']
            keep(shape[k]['shape'])

operations = {}
for name, op in model['operations'].items():
    entry = {'method': op['http']['method'], 'requestUri': op['http']['requestUri'], 'responseCode': op['http'].get('responseCode', 200)}
    if 'input' in op:
        entry['input'] = op['input']['shape']
        keep(op['input']['shape'])
    operations[name] = entry
out = pathlib.Path(__file__).resolve().parent.parent / 'src' / 'api' / 'lambda' / 'model.json'
out.write_text(json.dumps({'source': f'botocore {botocore.__version__} lambda/{version} service-2.json: each operation\'s http binding and input shapes', 'metadata': {k: model['metadata'][k] for k in ('apiVersion', 'protocol')}, 'operations': operations, 'shapes': shapes}, indent=1, sort_keys=True) + '\n')
print(out, out.stat().st_size)
