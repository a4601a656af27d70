"""Parsing the classic builder's log into steps (the messages are the daemon's own wording)."""
from dockerlens.show.buildlog import BuildSteps

LOG = [{"stream": "Step 1/3 : FROM dockerlens/base:1"}, {"stream": "\n"},
       {"stream": " ---> 9ea910c2f2a1\n"},
       {"stream": "Step 2/3 : RUN sleep 2"}, {"stream": "\n"}, {"stream": " ---> Using cache\n"},
       {"stream": " ---> f06cae7496db\n"},
       {"stream": "Step 3/3 : COPY hello.sh /hello.sh"}, {"stream": "\n"},
       {"stream": " ---> Running in d6b5f46f1fe3\n"},
       {"stream": "Removing intermediate container d6b5f46f1fe3\n"}, {"stream": " ---> 046f6e0b7464\n"},
       {"aux": {"ID": "sha256:046f"}}, {"stream": "Successfully built 046f6e0b7464\n"}]


def test_steps_say_what_the_cache_answered():
    steps = BuildSteps.parse(LOG)
    assert [s.status for s in steps] == ["base image", "from cache", "ran"]
    assert [s.image for s in steps] == ["9ea910c2f2a1", "f06cae7496db", "046f6e0b7464"]
    assert [s.number for s in steps.ran] == [3] and [s.number for s in steps.cached] == [2]
    assert "from cache" in repr(steps) and "COPY hello.sh" in steps._repr_html_()


BUILDAH = [{"stream": "STEP 1/3: FROM dockerlens/base:1\n"},
           {"stream": "STEP 2/3: RUN sleep 2\n"}, {"stream": "--> Using cache " + "ab" * 32 + "\n"},
           {"stream": "--> " + "ab" * 6 + "\n"},
           {"stream": "STEP 3/3: COPY hello.sh /hello.sh\n"}, {"stream": "COMMIT lens-x:1\n"},
           {"stream": "--> 046f6e0b7464\n"}, {"stream": "Successfully tagged localhost/lens-x:1\n"}]


def test_buildah_wording_behind_podman_reads_the_same():
    steps = BuildSteps.parse(BUILDAH)
    assert [s.status for s in steps] == ["base image", "from cache", "ran"]
    assert [s.image for s in steps] == ["", "ab" * 6, "046f6e0b7464"]
