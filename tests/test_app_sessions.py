"""Sessions cannot change what other sessions see, and uploads live on the server.

The attacks are replayed through the app's HTTP interface (Dash's callback endpoint), the
way a browser's session store would send them back.
"""

from __future__ import annotations

import base64
import json

import pytest

import app
from viz import _appstate as A
from viz.app import callbacks
from viz.app import store as S

FAKE = {
    "id": "planted-event", "title": "PLANTED EVENT", "start": "2022-05-01", "category": "military",
    "places": ["UA-14"], "summary": "Never happened.",
    "sources": [{"title": "x", "url": "https://example.org/x"}],
}  # fmt: skip
CSV = (
    b"id,title,start,category,places,summary,source_title,source_url\n"
    b"my-event,My uploaded event,2023-05-01,military,UA-14,Something happened,A report,"
    b"https://example.org/r\n"
)


def data_url(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


@pytest.fixture(scope="module")
def client():
    return app.app.server.test_client()


def call(client, output: str, values: dict, changed: list[str]):
    """POST one callback the way dash-renderer does; the JSON answer."""
    cb = app.app.callback_map[output]
    parts = [p for p in output.strip(".").split("...")] if output.startswith("..") else [output]
    outputs = []
    for p in parts:
        id_, prop = p.split("@")[0].rsplit(".", 1)
        outputs.append({"id": id_, "property": prop})

    def arg(spec):
        key = f"{spec['id']}.{spec['property']}"
        return {"id": spec["id"], "property": spec["property"], "value": values.get(key)}

    body = {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": [arg(i) for i in cb["inputs"]],
        "state": [arg(s) for s in cb.get("state", [])],
        "changedPropIds": changed,
    }
    res = client.post("/_dash-update-component", json=body)
    assert res.status_code in (200, 204), res.status_code
    return res.get_json() if res.status_code == 200 else {}


TABLE = "..table-wrap.children...region-note.children.."
UPLOAD = next(  # the upload callback (it also empties the upload controls)
    k
    for k in app.app.callback_map
    if k.startswith("..session-data.data...upload-msg.children...upload-events.contents")
)


def table_text(client, payload) -> str:
    out = call(client, TABLE, {"session-data.data": payload, "st-view.data": A.default_view()},
               ["session-data.data"])  # fmt: skip
    return json.dumps(out)


def upload(client, raw: bytes, name: str, kind: str = "events", payload=None, mode="replace"):
    ids = {"events": "upload-events", "control": "upload-control", "regions": "upload-regions"}
    values = {f"{ids[kind]}.contents": data_url(raw), f"{ids[kind]}.filename": name,
              "upload-mode.value": mode, "session-data.data": payload, "st-lang.data": "en"}  # fmt: skip
    out = call(client, UPLOAD, values, [f"{ids[kind]}.contents"])
    res = out["response"]  # an output left unchanged (no_update) is not in the answer
    assert res["upload-events"]["contents"] is None  # emptied: the same file can come again
    return res.get("session-data", {}).get("data"), json.dumps(res["upload-msg"])


def test_a_planted_payload_reaches_no_one(client):
    # the first hardening pass's payload: a key the client chose, data it never uploaded
    planted = {"key": "builtin", "events": {"records": [FAKE], "name": "x.yaml", "mode": "replace"},
               "control": {"geojson": {"type": "FeatureCollection", "features": []}}}  # fmt: skip
    for _ in range(10):  # (was: cycle the per-worker caches, then everyone saw it)
        assert "PLANTED EVENT" not in table_text(client, planted)
    clean = table_text(client, None)
    assert "PLANTED EVENT" not in clean and "Crimea" in clean


@pytest.mark.parametrize("ref", ["", "x" * 5000, "eyJrIjoiYnVpbHRpbiJ9.aaaa.bbbb", None, 12])
def test_a_forged_reference_names_nothing(client, ref):
    assert "PLANTED EVENT" not in table_text(client, {"ref": ref, "names": {"events": "x"}})
    assert A.upload_problem({"ref": ref}) in ("bad-signature", "old-format")


def test_an_upload_is_kept_on_the_server_and_signed(client):
    payload, msg = upload(client, CSV, "mine.csv")
    assert "Loaded 1 events" in msg
    assert set(payload) == {"ref", "names"}  # no records, no geometry, no key in the browser
    assert "My uploaded event" not in json.dumps(payload)
    assert "My uploaded event" in table_text(client, payload)
    # one character changed: the signature fails and the app's own data is drawn
    ref = payload["ref"]
    bad = ref[:-1] + ("A" if ref[-1] != "A" else "B")
    assert "My uploaded event" not in table_text(client, {**payload, "ref": bad})
    # other sessions never see it
    assert "My uploaded event" not in table_text(client, None)


def test_content_keys_depend_on_the_servers_secret(tmp_path):
    # a public file's key cannot be precomputed to plant a series under it
    parts = {"events": {"records": [FAKE], "name": "a.yaml", "mode": "replace"}}
    one = S.UploadStore(tmp_path / "a", secret=b"1" * 32)
    two = S.UploadStore(tmp_path / "b", secret=b"2" * 32)
    assert one.key_of(parts) != two.key_of(parts)
    ref = one.put(parts)
    assert one.get(ref).parts == parts
    with pytest.raises(S.UploadGone) as gone:
        two.get(ref)  # signed by another secret
    assert gone.value.reason == "bad-signature"


def test_references_expire_and_pruned_uploads_are_gone(tmp_path, monkeypatch):
    st = S.UploadStore(tmp_path, secret=b"s" * 32, max_files=2)
    refs = [st.put({"events": {"records": [], "name": f"{i}.yaml"}}) for i in range(3)]
    assert len(list(st.folder.glob("*.json.gz"))) == 2
    reasons = []
    for ref in refs:
        try:
            st.get(ref)
            reasons.append("ok")
        except S.UploadGone as exc:
            reasons.append(exc.reason)
    assert reasons.count("missing") == 1 and reasons.count("ok") == 2
    monkeypatch.setattr(S, "MAX_AGE_S", -1)
    with pytest.raises(S.UploadGone) as gone:
        st.get(refs[-1])
    assert gone.value.reason == "expired"


def test_no_half_written_upload_is_left(tmp_path, monkeypatch):
    st = S.UploadStore(tmp_path, secret=b"s" * 32)

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(S.gzip, "compress", full)
    with pytest.raises(OSError):
        st.put({"events": {"records": [], "name": "a.yaml"}})
    assert list(st.folder.iterdir()) == []


def test_secret_is_shared_by_workers_and_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(S.SECRET_ENV, raising=False)
    first = S.server_secret(tmp_path)
    assert S.server_secret(tmp_path) == first and len(first) >= 32
    assert (tmp_path / "secret").stat().st_mode & 0o077 == 0  # readable by its owner only
    monkeypatch.setenv(S.SECRET_ENV, "short")
    with pytest.raises(S.CacheDirError, match=S.SECRET_ENV):
        S.server_secret(tmp_path)
    monkeypatch.setenv(S.SECRET_ENV, "a-long-enough-configured-secret")
    assert S.server_secret(tmp_path) == b"a-long-enough-configured-secret"


def test_an_unusable_cache_folder_names_the_setting(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(S.CacheDirError) as err:
        S.check_cache_dir(blocker / "cache")
    assert S.CACHE_ENV in str(err.value) and str(blocker) in str(err.value)


def test_reload_after_upload_draws_the_upload_or_says_it_is_gone():
    res = A.handle_upload("events", data_url(CSV), "mine.csv", "replace", None)
    assert res.ok
    ds = A.dataset(res.payload)
    # F5: the session store still holds the reference, the date store is empty (None)
    fig, key = callbacks.rebuild_map(res.payload, A.BUILTIN_KEY, None, None, url="?date=2023-06-01")
    assert key == ds.key
    assert fig.layout.meta["borderlines"]["date"] == "2023-06-01"
    assert len(fig.data[1].z) == len(ds.pieces)  # colours for this data's own pieces
    assert callbacks.upload_gone(res.payload, "en") == (callbacks.no_update, callbacks.no_update)
    # the server no longer has it: the page says so and goes back to the built-in data
    for f in S.store().folder.glob("*.json.gz"):
        f.unlink()
    data, msg = callbacks.upload_gone(res.payload, "en")
    assert data is None and "mine.csv" in json.dumps(msg.to_plotly_json(), default=str)
    assert A.dataset(res.payload).key == A.BUILTIN_KEY
    fig, key = callbacks.rebuild_map(res.payload, ds.key, None, None, url="?date=2023-06-01")
    assert key == A.BUILTIN_KEY


def test_state_callback_does_not_patch_a_map_being_rebuilt():
    res = A.handle_upload("events", data_url(CSV), "mine.csv", "replace", None)
    out = callbacks.sync_state("session-data", {"session-data.data": res.payload}, "2022-09-30",
                         A.default_view(), False, res.payload, map_key=A.BUILTIN_KEY)  # fmt: skip
    assert out["map"] is callbacks.no_update  # the rebuild brings this data's own colours


def test_forged_references_build_nothing_and_evict_no_one(client):
    # was: a fresh random key per request cost a rebuild and pushed real sessions out
    res = A.handle_upload("events", data_url(CSV), "kept.csv", "replace", None)
    mine = A.dataset(res.payload).key
    before = list(A._CACHE)
    for i in range(20):
        table_text(client, {"ref": f"forged-{i}", "names": {}})
        table_text(client, {"key": f"random-{i}", "events": {"records": [FAKE]}})
    assert list(A._CACHE) == before and mine in A._CACHE
