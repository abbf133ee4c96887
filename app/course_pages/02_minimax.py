from gan_course.ui.lesson_page import render

render("02_minimax")
