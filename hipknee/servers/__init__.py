"""How hipknee's notebooks are served: JupyterLab saves them without outputs
(:mod:`.notebook_outputs`), and the coach dashboard asks who you are (:mod:`.dashboard`)."""

#: The Jupyter server extension that strips outputs before a notebook is saved.
OUTPUTS_EXTENSION = "hipknee.servers.notebook_outputs"
