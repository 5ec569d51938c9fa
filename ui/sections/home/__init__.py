"""The Home page's sections: what ModLens does with a one-click start, and the active model."""
