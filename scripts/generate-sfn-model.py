#!/usr/bin/env python3
"""Writes src/api/sfn/model.json: the Step Functions operations, input shapes and constraints from
the botocore service model (the authoritative AWS description), without documentation.
Run: python3 scripts/generate-sfn-model.py"""
import gzip, json, os, pathlib
import botocore

root = pathlib.Path(os.path.dirname(botocore.__file__)) / 'data' / 'stepfunctions'
version = sorted(p.name for p in root.iterdir())[-1]
source = root / version / 'service-2.json.gz'
model = json.load(gzip.open(source)) if source.exists() else json.load(open(root / version / 'service-2.json'))

KEEP = ('type', 'required', 'min', 'max', 'enum', 'pattern', 'sensitive', 'exception')
shapes = {}
for name, shape in model['shapes'].items():
    s = {k: shape[k] for k in KEEP if k in shape}
    if 'members' in shape:
        s['members'] = {m: v['shape'] for m, v in shape['members'].items()}
    for k in ('member', 'key', 'value'):
        if k in shape:
            s[k] = shape[k]['shape']
    shapes[name] = s
operations = {
    name: {'input': op['input']['shape'], 'output': op.get('output', {}).get('shape'), 'errors': [e['shape'] for e in op.get('errors', [])]}
    for name, op in model['operations'].items()
}
out = pathlib.Path(__file__).resolve().parent.parent / 'src' / 'api' / 'sfn' / 'model.json'
out.write_text(json.dumps({'source': f'botocore {botocore.__version__} stepfunctions/{version}', 'metadata': {k: model['metadata'][k] for k in ('apiVersion', 'targetPrefix', 'jsonVersion')}, 'operations': operations, 'shapes': shapes}, indent=1, sort_keys=True) + '\n')
print(out, out.stat().st_size)
