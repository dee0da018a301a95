"""Runs traversals, given as GraphSON 3 bytecode, through gremlinpython's DriverRemoteConnection
and prints each one's results in a neutral JSON form (the same form the TypeScript side writes).
With AWS credentials in the environment, the WebSocket upgrade is signed by botocore's SigV4Auth,
as graph-notebook signs it for Neptune.

Usage: python run-traversals.py URL graphbinary|graphson TRAVERSALS.json
"""
import datetime
import json
import os
import sys

from gremlin_python.driver import serializer
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import GraphTraversal
from gremlin_python.process import traversal as tp
from gremlin_python.structure.graph import Edge, Path, Property, Vertex, VertexProperty

ENUMS = {
    'g:T': tp.T, 'g:Order': tp.Order, 'g:Column': tp.Column, 'g:Scope': tp.Scope, 'g:Pop': tp.Pop,
    'g:Direction': tp.Direction, 'g:Cardinality': tp.Cardinality, 'g:Operator': tp.Operator,
    'g:Barrier': tp.Barrier, 'g:Pick': tp.Pick,
}


def enum_value(enum, name):
    # Python keywords and builtins carry a trailing underscore in gremlinpython (global_, all_, sum_).
    for candidate in (name, name + '_'):
        if candidate in enum.__members__:
            return enum.__members__[candidate]
    raise ValueError(f'{enum.__name__} has no {name}')


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict) or '@type' not in value:
        return value
    kind, inner = value['@type'], value.get('@value')
    if kind == 'g:Bytecode':
        bytecode = tp.Bytecode()
        for instruction in inner.get('source', []):
            bytecode.source_instructions.append([instruction[0]] + [decode(a) for a in instruction[1:]])
        for instruction in inner.get('step', []):
            bytecode.step_instructions.append([instruction[0]] + [decode(a) for a in instruction[1:]])
        return bytecode
    if kind in ('g:P', 'g:TextP'):
        cls = tp.P if kind == 'g:P' else tp.TextP
        return cls(inner['predicate'], decode(inner['value']))
    if kind in ENUMS:
        return enum_value(ENUMS[kind], inner)
    if kind in ('g:Int32', 'g:Int64'):
        return int(inner)
    if kind in ('g:Double', 'g:Float'):
        return float(inner)
    if kind == 'g:List':
        return [decode(v) for v in inner]
    if kind == 'g:Set':
        return set(decode(v) for v in inner)
    if kind == 'g:Map':
        return {decode(inner[i]): decode(inner[i + 1]) for i in range(0, len(inner), 2)}
    if kind == 'g:Date':
        return datetime.datetime.fromtimestamp(inner / 1000, tz=datetime.timezone.utc)
    raise ValueError(f'cannot decode {kind}')


def neutral(value):
    """The JSON form both sides compare: elements by id and label, maps as ordered pairs."""
    if isinstance(value, Vertex):
        return {'vertex': neutral(value.id), 'label': value.label}
    if isinstance(value, Edge):
        return {'edge': neutral(value.id), 'label': value.label, 'out': neutral(value.outV.id), 'in': neutral(value.inV.id)}
    if isinstance(value, VertexProperty):
        return {'vertexProperty': value.label, 'value': neutral(value.value)}
    if isinstance(value, Property):
        return {'property': value.key, 'value': neutral(value.value)}
    if isinstance(value, Path):
        return {'path': [neutral(o) for o in value.objects]}
    if isinstance(value, dict):
        return {'map': [[neutral(k), neutral(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {'set': sorted((neutral(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))}
    if isinstance(value, (list, tuple)):
        return [neutral(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime.datetime):
        return {'date': int(value.timestamp() * 1000)}
    if hasattr(value, 'name') and hasattr(type(value), '__members__'):
        return f"{type(value).__name__}.{value.name.rstrip('_')}"
    return {'unknown': repr(value)}


def signed_headers(url):
    if not os.environ.get('AWS_ACCESS_KEY_ID'):
        return None
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method='GET', url=url.replace('ws://', 'http://'), data='')
    credentials = Credentials(os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY'], os.environ.get('AWS_SESSION_TOKEN'))
    SigV4Auth(credentials, 'neptune-db', os.environ.get('AWS_REGION', 'us-east-1')).add_auth(request)
    return dict(request.headers)


def main():
    url, serializer_name, path = sys.argv[1:4]
    message_serializer = serializer.GraphBinarySerializersV1() if serializer_name == 'graphbinary' else serializer.GraphSONSerializersV3d0()
    with open(path) as f:
        items = json.load(f)
    connection = DriverRemoteConnection(url, 'g', message_serializer=message_serializer, headers=signed_headers(url))
    try:
        g = traversal().with_remote(connection)
        answers = []
        for item in items:
            bytecode = decode(json.loads(item['bytecode']))
            results = GraphTraversal(g.graph, g.traversal_strategies, bytecode).toList()
            answers.append(neutral(results))
    finally:
        connection.close()
    print(json.dumps(answers))


if __name__ == '__main__':
    main()
