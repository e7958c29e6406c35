"""Saves the order to a SQLite database and answers as an API Gateway proxy handler would.

Lambda's only writable place is /tmp, so the database lives there (ORDERS_DB overrides it).
"""
import json
import os
import sqlite3
import time


def _db_path():
    return os.environ.get("ORDERS_DB", "/tmp/stepwright-example/orders.sqlite")


def lambda_handler(event, context):
    order_data = event["order_data"]
    status = event.get("status", "SAVED")
    path = _db_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute(
            "create table if not exists orders ("
            " order_id text primary key, status text not null, total real,"
            " order_data text not null, saved_at real not null)"
        )
        db.execute(
            "insert or replace into orders (order_id, status, total, order_data, saved_at) values (?, ?, ?, ?, ?)",
            (order_data["orderId"], status, order_data.get("total"), json.dumps(order_data), time.time()),
        )
    print(f"order {order_data['orderId']} {status} in {path} (request {context.aws_request_id})")
    return {
        "statusCode": 200,
        "body": json.dumps({"orderId": order_data["orderId"], "status": status, "database": path}),
    }
