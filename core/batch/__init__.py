"""Many stories at once: ``python -m core batch`` (see ``docs/batch.md``).

Public API::

    from core.batch import Settings, read_stories, run_batch
    stories, notes = read_stories(Path("corpus/"))            # a folder of story folders, or a JSONL
    result = run_batch(stories, "out/", Settings(backend="onnx"), engine="dask", workers=2)

Dask is imported only by the ``dask`` engine.
"""

from core.batch.cluster import DEFAULT_CLUSTER, ClusterConfig, cluster_articles, stories_from_groups
from core.batch.inputs import BatchInputError, Story, read_flat, read_stories, sort_stories
from core.batch.run import BatchResult, run_batch
from core.batch.work import Settings, default_backend

__all__ = [
    "DEFAULT_CLUSTER",
    "BatchInputError",
    "BatchResult",
    "ClusterConfig",
    "Settings",
    "Story",
    "cluster_articles",
    "default_backend",
    "read_flat",
    "read_stories",
    "run_batch",
    "sort_stories",
    "stories_from_groups",
]
