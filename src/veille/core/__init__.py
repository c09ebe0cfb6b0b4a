"""veille's headless core: everything the app and the command line do, without a screen."""
