from tests.app.helpers import token_headers
from tests.security.conftest import committed_world

def test_dbg(app, client, db):
    w = committed_world(db)
    h = token_headers(client, w.users["admin"])
    r = client.get(f"/api/v1/talents/{2**70}", headers=h)
    print(r.status_code)
    r = client.get(f"/api/v1/users?organization_id={2**70}", headers=h)
    print(r.status_code)
