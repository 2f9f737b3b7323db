from pos_tui.cli import main

raise SystemExit(main())
