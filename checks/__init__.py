"""Built-in checks of the workbench, installed as ``workbench_checks``.

Each module holds one check and is registered in ``pyproject.toml`` under the
``workbench.checks`` entry-point group, exactly as a third-party plug-in would be. Checks never
import one another, the store, the command line or the app.
"""
